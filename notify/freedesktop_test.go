package notify

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"haul/internal/testbus"
)

func privateBus(t *testing.T) string { return testbus.Start(t) }

func connect(t *testing.T, addr string) *dbus.Conn {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// server is a notification daemon that records calls.
type server struct {
	conn *dbus.Conn
	caps []string

	mu     sync.Mutex
	calls  []notifyCall
	closed []uint32
}

type notifyCall struct {
	App, Icon, Summary, Body string
	Replaces                 uint32
	Actions                  []string
	Timeout                  int32
}

func startServer(t *testing.T, addr string, caps ...string) *server {
	t.Helper()
	s := &server{conn: connect(t, addr), caps: caps}
	if err := s.conn.Export(s, fdoPath, fdoInterface); err != nil {
		t.Fatal(err)
	}
	if reply, err := s.conn.RequestName(fdoName, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own %s: %v %d", fdoName, err, reply)
	}
	return s
}

func (s *server) GetCapabilities() ([]string, *dbus.Error) { return s.caps, nil }

func (s *server) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	_ map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	s.mu.Lock()
	s.calls = append(s.calls, notifyCall{app, icon, summary, body, replaces, actions, timeout})
	id := uint32(len(s.calls))
	s.mu.Unlock()
	return id, nil
}

func (s *server) CloseNotification(id uint32) *dbus.Error {
	s.mu.Lock()
	s.closed = append(s.closed, id)
	s.mu.Unlock()
	return nil
}

func (s *server) invoke(t *testing.T, id uint32, key string) {
	t.Helper()
	if err := s.conn.Emit(fdoPath, fdoInterface+".ActionInvoked", id, key); err != nil {
		t.Fatal(err)
	}
}

func TestFreedesktopSend(t *testing.T) {
	cases := []struct {
		name        string
		caps        []string
		n           Notification
		wantActions []string
		wantTimeout int32
	}{
		{"actions offered", []string{"body", "actions"},
			Notification{Title: "t", Body: "b", Actions: []Action{{Key: "open", Label: "Open"}, {Key: "folder", Label: "Show in folder"}}},
			[]string{"open", "Open", "folder", "Show in folder"}, -1},
		{"no actions capability", []string{"body"},
			Notification{Title: "t", Actions: []Action{{Key: "open", Label: "Open"}}}, nil, -1},
		{"persistent", []string{"body"}, Notification{Title: "t", Timeout: Persistent}, nil, 0},
		{"ten seconds", []string{"body"}, Notification{Title: "t", Timeout: 10 * time.Second, Replaces: 7}, nil, 10000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			addr := privateBus(t)
			srv := startServer(t, addr, tc.caps...)
			ctx := context.Background()
			f, err := NewFreedesktop(ctx, connect(t, addr), "Haul", "/icons/haul.png")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Actions() != (tc.wantActions != nil) {
				t.Errorf("Actions() = %v", f.Actions())
			}
			if _, err := f.Send(ctx, tc.n); err != nil {
				t.Fatal(err)
			}
			srv.mu.Lock()
			defer srv.mu.Unlock()
			c := srv.calls[0]
			if c.App != "Haul" || c.Icon != "/icons/haul.png" || c.Summary != tc.n.Title || c.Body != tc.n.Body {
				t.Errorf("sent %+v", c)
			}
			if strings.Join(c.Actions, "|") != strings.Join(tc.wantActions, "|") || c.Timeout != tc.wantTimeout || c.Replaces != uint32(tc.n.Replaces) {
				t.Errorf("actions %q timeout %d replaces %d, want %q %d %d", c.Actions, c.Timeout, c.Replaces, tc.wantActions, tc.wantTimeout, tc.n.Replaces)
			}
		})
	}
}

// TestFreedesktopRunsActions: the action the server reports runs, once;
// keys of other notifications or after withdrawal do nothing.
func TestFreedesktopRunsActions(t *testing.T) {
	addr := privateBus(t)
	srv := startServer(t, addr, "actions", "body")
	ctx := context.Background()
	f, err := NewFreedesktop(ctx, connect(t, addr), "Haul", "")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ran := make(chan string, 4)
	n := Notification{Title: "done", Actions: []Action{
		{Key: "open", Label: "Open", Run: func() { ran <- "open" }},
		{Key: "folder", Label: "Show in folder", Run: func() { ran <- "folder" }},
	}}
	id, err := f.Send(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	other, err := f.Send(ctx, Notification{Title: "other"})
	if err != nil {
		t.Fatal(err)
	}
	srv.invoke(t, uint32(other), "open") // not this notification's action
	srv.invoke(t, uint32(id), "folder")
	select {
	case got := <-ran:
		if got != "folder" {
			t.Errorf("ran %q, want folder", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the action did not run")
	}
	if err := f.Withdraw(ctx, id); err != nil {
		t.Fatal(err)
	}
	srv.invoke(t, uint32(id), "open")
	// A later notification's action proves the signal above was handled.
	last, err := f.Send(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	srv.invoke(t, uint32(last), "open")
	select {
	case got := <-ran:
		if got != "open" {
			t.Errorf("ran %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the last action did not run")
	}
	select {
	case got := <-ran:
		t.Errorf("a withdrawn notification's action ran: %q", got)
	default:
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.closed) != 1 || srv.closed[0] != uint32(id) {
		t.Errorf("CloseNotification calls %v, want [%d]", srv.closed, id)
	}
}

func TestFreedesktopNoServer(t *testing.T) {
	addr := privateBus(t)
	_, err := NewFreedesktop(context.Background(), connect(t, addr), "Haul", "")
	if !errors.Is(err, ErrNoServer) {
		t.Errorf("err = %v, want ErrNoServer", err)
	}
}

// TestConnectFreedesktopOutlivesSetupContext: the context that bounds
// connecting does not bound the connection; a notification sent after it
// ended still arrives.
func TestConnectFreedesktopOutlivesSetupContext(t *testing.T) {
	addr := privateBus(t)
	srv := startServer(t, addr, "body")
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	f, err := ConnectFreedesktop(ctx, "Haul", "")
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Send(context.Background(), Notification{Title: "later"}); err != nil {
		t.Fatalf("send after the set-up context ended: %v", err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.calls) != 1 {
		t.Errorf("%d notifications arrived, want 1", len(srv.calls))
	}
}
