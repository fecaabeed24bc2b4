//go:build linux

package logins

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// A fake Secret Service (the freedesktop.org API gnome-keyring and
// KWallet serve) on a private session bus: enough of org.freedesktop.secrets
// for go-keyring's Set, Get and Delete, holding items in memory, so the
// keyring path is tested without a desktop.

type fakeSecret struct {
	Session     dbus.ObjectPath
	Parameters  []byte
	Value       []byte
	ContentType string
}

type fakeService struct {
	conn  *dbus.Conn
	mu    sync.Mutex
	items map[dbus.ObjectPath]*fakeItem
	next  int
}

type fakeItem struct {
	svc    *fakeService
	path   dbus.ObjectPath
	attrs  map[string]string
	secret []byte
}

const ssPath = "/org/freedesktop/secrets"

func (s *fakeService) OpenSession(algo string, _ dbus.Variant) (dbus.Variant, dbus.ObjectPath, *dbus.Error) {
	if algo != "plain" {
		return dbus.MakeVariant(""), "/", dbus.MakeFailedError(fmt.Errorf("algorithm %q not supported", algo))
	}
	return dbus.MakeVariant(""), ssPath + "/session/1", nil
}

func (s *fakeService) Unlock(objects []dbus.ObjectPath) ([]dbus.ObjectPath, dbus.ObjectPath, *dbus.Error) {
	return objects, "/", nil
}

func (s *fakeService) Close() *dbus.Error { return nil } // the session's

type fakeCollection struct{ svc *fakeService }

func (c fakeCollection) CreateItem(props map[string]dbus.Variant, secret fakeSecret, replace bool) (dbus.ObjectPath, dbus.ObjectPath, *dbus.Error) {
	s := c.svc
	attrs, _ := props["org.freedesktop.Secret.Item.Attributes"].Value().(map[string]string)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range s.items {
		if replace && sameAttrs(it.attrs, attrs) {
			it.secret = secret.Value
			return it.path, "/", nil
		}
	}
	s.next++
	it := &fakeItem{svc: s, path: dbus.ObjectPath(fmt.Sprintf("%s/collection/login/%d", ssPath, s.next)), attrs: attrs, secret: secret.Value}
	if err := s.conn.Export(it, it.path, "org.freedesktop.Secret.Item"); err != nil {
		return "/", "/", dbus.MakeFailedError(err)
	}
	s.items[it.path] = it
	return it.path, "/", nil
}

func (c fakeCollection) SearchItems(want map[string]string) ([]dbus.ObjectPath, *dbus.Error) {
	c.svc.mu.Lock()
	defer c.svc.mu.Unlock()
	out := []dbus.ObjectPath{}
	for _, it := range c.svc.items {
		match := true
		for k, v := range want {
			match = match && it.attrs[k] == v
		}
		if match {
			out = append(out, it.path)
		}
	}
	return out, nil
}

func (it *fakeItem) GetSecret(session dbus.ObjectPath) (fakeSecret, *dbus.Error) {
	it.svc.mu.Lock()
	defer it.svc.mu.Unlock()
	return fakeSecret{Session: session, Parameters: []byte{}, Value: it.secret, ContentType: "text/plain"}, nil
}

func (it *fakeItem) Delete() (dbus.ObjectPath, *dbus.Error) {
	it.svc.mu.Lock()
	defer it.svc.mu.Unlock()
	delete(it.svc.items, it.path)
	it.svc.conn.Export(nil, it.path, "org.freedesktop.Secret.Item")
	return "/", nil
}

func sameAttrs(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// startBus starts a private dbus-daemon for the test and returns its
// address; the daemon is killed at cleanup.
func startBus(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Skip("dbus-daemon is not installed")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--session", "--nofork", "--nopidfile", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case addr := <-line:
		if addr == "" {
			t.Fatal("dbus-daemon printed no address")
		}
		return addr
	case <-time.After(10 * time.Second):
		t.Fatal("dbus-daemon did not start")
	}
	return ""
}

// TestSecretService: with a Secret Service on the session bus, a password
// goes to the keyring (not session-only), a new Store reads it back from
// there, and Delete removes it.
func TestSecretService(t *testing.T) {
	addr := startBus(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	svc := &fakeService{conn: conn, items: map[dbus.ObjectPath]*fakeItem{}}
	for path, obj := range map[dbus.ObjectPath]struct {
		v     any
		iface string
	}{
		ssPath:                {svc, "org.freedesktop.Secret.Service"},
		ssPath + "/session/1": {svc, "org.freedesktop.Secret.Session"},
		"/org/freedesktop/secrets/aliases/default": {fakeCollection{svc}, "org.freedesktop.Secret.Collection"},
	} {
		if err := conn.Export(obj.v, path, obj.iface); err != nil {
			t.Fatal(err)
		}
	}
	if reply, err := conn.RequestName("org.freedesktop.secrets", dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own org.freedesktop.secrets: %v %v", reply, err)
	}

	s := New(systemBackend{})
	persisted, err := s.Set("files.example.com", "ann", "pw-9")
	if err != nil || !persisted || s.SessionOnly() {
		t.Fatalf("Set = %v, %v; session only %v", persisted, err, s.SessionOnly())
	}
	svc.mu.Lock()
	n := len(svc.items)
	svc.mu.Unlock()
	if n != 1 {
		t.Fatalf("the Secret Service holds %d items, want 1", n)
	}
	if p, err := New(systemBackend{}).Password("files.example.com", "ann"); p != "pw-9" || err != nil {
		t.Errorf("a new store reads %q, %v from the keyring", p, err)
	}
	if err := s.Delete("files.example.com", "ann"); err != nil {
		t.Fatal(err)
	}
	if _, err := New(systemBackend{}).Password("files.example.com", "ann"); err == nil {
		t.Error("the password is still there after Delete")
	}
}
