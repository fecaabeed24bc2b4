package rpc

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The hand-off carries each download's options, not only its URL, and
// refuses a relative folder with a sentence.
func TestHandOffCarriesOptions(t *testing.T) {
	dataDir := t.TempDir()
	f := newFake()
	shown := make(chan struct{}, 1)
	startTest(t, f, func(c *Config) { c.DataDir = dataDir; c.OnShow = func() { shown <- struct{}{} } })
	folder := filepath.Join(t.TempDir(), "in")
	h := Handoff{Show: true, Downloads: []HandoffDownload{
		{URL: "https://example.com/a.iso", Headers: http.Header{"Referer": {"https://example.com/page"}},
			Cookies: "session=abc", Name: "chosen.iso", Folder: folder, Checksum: "sha256=" + strings.Repeat("0", 64), Paused: true},
		{URL: "https://example.com/b", Folder: "relative/dir"},
		{URL: "ftp://example.com/c"},
	}}
	res, err := Send(context.Background(), dataDir, h)
	if err != nil {
		t.Fatal(err)
	}
	if res.IDs[0] == "" || res.IDs[1] != "" || res.IDs[2] != "" {
		t.Fatalf("ids %q, want only the first added", res.IDs)
	}
	if !strings.Contains(res.Errors[1], "full path") || !strings.Contains(res.Errors[2], "HTTP") {
		t.Fatalf("errors %q", res.Errors)
	}
	if e := res.Err(h); e == nil || !strings.Contains(e.Error(), "ftp://example.com/c") {
		t.Errorf("Err() = %v", e)
	}
	reqs := f.Requests()
	if len(reqs) != 1 {
		t.Fatalf("engine got %d requests", len(reqs))
	}
	r := reqs[0]
	wantHdr := http.Header{"Referer": {"https://example.com/page"}, "Cookie": {"session=abc"}}
	if r.Name != "chosen.iso" || r.Folder != folder || !r.Paused || r.Checksum.String() != h.Downloads[0].Checksum || !reflect.DeepEqual(r.Headers, wantHdr) {
		t.Fatalf("engine got %+v", r)
	}
	select {
	case <-shown:
	case <-time.After(5 * time.Second):
		t.Fatal("window not shown")
	}
}

// received is what the first connection to ln sends (nil when ln closes
// first).
func received(ln net.Listener) <-chan []byte {
	got := make(chan []byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- nil
			return
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(2 * time.Second))
		b, _ := io.ReadAll(c)
		got <- b
	}()
	return got
}

// A stale instance.json names a port someone else now listens on: the
// hand-off sends nothing there, least of all the token.
func TestHandOffNeverSendsTokenToPort(t *testing.T) {
	dataDir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := received(ln)
	port := ln.Addr().(*net.TCPAddr).Port
	if _, err := writeInstance(dataDir, Instance{Port: port, Token: "secret-of-a-crashed-haul", PID: 1}); err != nil {
		t.Fatal(err)
	}
	if handled, err := HandOff(dataDir, []string{"http://example.com/a"}); handled || err != nil {
		t.Fatalf("handled=%v err=%v", handled, err)
	}
	ln.Close()
	if b := <-got; len(b) > 0 {
		t.Fatalf("the listener on the stale port received %q", b)
	}
}

// A socket at haul.sock that is not served by the process instance.json
// names is not this Haul: nothing is sent to it.
func TestHandOffChecksPeer(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("no peer credentials on", runtime.GOOS)
	}
	dataDir := t.TempDir()
	ln, err := net.Listen("unix", filepath.Join(dataDir, SocketFile))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := received(ln)
	// Same user, but not the process the instance file names.
	if _, err := writeInstance(dataDir, Instance{Port: 1, Token: "t", PID: os.Getpid() + 100000}); err != nil {
		t.Fatal(err)
	}
	_, err = Send(context.Background(), dataDir, Handoff{Downloads: []HandoffDownload{{URL: "http://example.com/a"}}})
	if !errors.Is(err, ErrNoInstance) || !strings.Contains(err.Error(), "process") {
		t.Fatalf("err %v, want ErrNoInstance for another process", err)
	}
	ln.Close()
	if b := <-got; len(b) > 0 {
		t.Fatalf("the impostor received %q", b)
	}
}

// The socket is private to the user and goes away with the server.
func TestHandOffSocketMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	dataDir := t.TempDir()
	s := startTest(t, newFake(), func(c *Config) { c.DataDir = dataDir })
	path := filepath.Join(dataDir, SocketFile)
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm()&0o077 != 0 {
		t.Fatalf("socket mode %v", fi.Mode())
	}
	s.Close()
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Fatalf("socket left after Close: %v", err)
	}
}

// A stale instance file of the token-sending hand-off marks its secret as
// possibly leaked; one of the socket hand-off, or another secret, does not.
func TestSecretMayHaveLeaked(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   *Instance
		want bool
	}{
		{"no file", nil, false},
		{"old hand-off, same secret", &Instance{Port: 6800, Token: "s3cret", PID: 1}, true},
		{"old hand-off, other secret", &Instance{Port: 6800, Token: "other", PID: 1}, false},
		{"socket hand-off", &Instance{Port: 6800, Token: "s3cret", PID: 1, Handoff: handoffSocket}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.in != nil {
				if _, err := writeInstance(dir, *tc.in); err != nil {
					t.Fatal(err)
				}
			}
			if got := SecretMayHaveLeaked(dir, "s3cret"); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}
