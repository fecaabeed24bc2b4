package nmhost

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"haul/downloader"
	"haul/downloader/store"
	"haul/rpc"
)

// runHaul starts a real hand-off service (rpc.Start, hand-off only) on
// dir over an engine that never downloads, as a running Haul would; it
// writes dir's instance file and socket.
func runHaul(t *testing.T, dir string) *downloader.Manager {
	t.Helper()
	db, err := store.Open(filepath.Join(dir, "haul.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := downloader.Open(context.Background(), downloader.Config{Store: db, DefaultFolder: t.TempDir(), NoStart: true})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := rpc.Start(rpc.Config{Engine: m, Port: rpc.AnyPort, HandoffOnly: true, Secret: "tok", DataDir: dir, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(); m.Close(); db.Close() })
	return m
}

func writeInstance(t *testing.T, dir string, port int) {
	t.Helper()
	b, _ := json.Marshal(rpc.Instance{Port: port, Token: "tok", PID: 42})
	if err := os.WriteFile(filepath.Join(dir, rpc.InstanceFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

var sample = downloader.Request{URL: "http://e.com/f.iso", Name: "f.iso", Folder: os.TempDir(),
	Options: downloader.Options{Headers: map[string][]string{"Cookie": {"sid=abc"}, "Referer": {"http://e.com/"}}}}

func TestLoopbackRunning(t *testing.T) {
	dir := t.TempDir()
	m := runHaul(t, dir)
	id, queued, err := Loopback{DataDir: dir}.Submit(context.Background(), sample)
	if err != nil || queued || id == "" {
		t.Fatalf("Submit = %q, %v, %v", id, queued, err)
	}
	snap, err := m.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	if snap.URL != sample.URL || snap.Name != "f.iso" || snap.Folder != sample.Folder {
		t.Errorf("task %+v, want %s as f.iso in %s", snap, sample.URL, sample.Folder)
	}
	if got := snap.Options.Headers; got.Get("Cookie") != "sid=abc" || got.Get("Referer") != "http://e.com/" {
		t.Errorf("headers %v, want the Cookie and the Referer", got)
	}
}

func TestLoopbackRefused(t *testing.T) {
	dir := t.TempDir()
	runHaul(t, dir)
	queuedCalls := 0
	l := Loopback{DataDir: dir, Queue: func(context.Context, downloader.Request) (string, error) { queuedCalls++; return "q", nil }}
	bad := sample
	bad.Folder = "relative/dl" // the hand-off refuses a relative folder
	_, _, err := l.Submit(context.Background(), bad)
	if !errors.Is(err, ErrRefused) || queuedCalls != 0 {
		t.Errorf("err = %v, queued %d times; want ErrRefused and no queueing", err, queuedCalls)
	}
}

// TestLoopbackNotRunning: with no Haul answering (no instance file, a
// stale one, someone else on its port) the host starts Haul and waits for
// it, or queues when that fails.
func TestLoopbackNotRunning(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>")) }))
	defer other.Close()
	_, p, _ := net.SplitHostPort(other.Listener.Addr().String())
	otherPort, _ := strconv.Atoi(p)
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	closedPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close()

	tests := []struct {
		name       string
		instance   int // port in a stale instance file; 0: none
		startOK    bool
		wantQueued bool
	}{
		{"no file, start works", 0, true, false},
		{"stale port, start works", closedPort, true, false},
		{"not Haul on the port, start works", otherPort, true, false},
		{"start fails: queued", 0, false, true},
		{"stale port, start fails: queued", closedPort, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.instance != 0 {
				writeInstance(t, dir, tt.instance)
			}
			var m *downloader.Manager
			starts := 0
			l := Loopback{DataDir: dir, StartTimeout: 10 * time.Second,
				Start: func() (<-chan error, error) {
					starts++
					exited := make(chan error, 1)
					if tt.startOK {
						// Haul writes its instance file once it listens.
						m = runHaul(t, dir)
					} else {
						exited <- errors.New("exit status 1")
					}
					return exited, nil
				},
				Queue: func(context.Context, downloader.Request) (string, error) { return "queued-id", nil },
			}
			id, queued, err := l.Submit(context.Background(), sample)
			if err != nil || queued != tt.wantQueued || starts != 1 {
				t.Fatalf("Submit = %q, queued %v, %v; starts %d", id, queued, err, starts)
			}
			if tt.wantQueued && id != "queued-id" {
				t.Errorf("id %q, want queued-id", id)
			}
			if !tt.wantQueued {
				if _, err := m.Get(id); err != nil {
					t.Errorf("task %q not in the started Haul: %v", id, err)
				}
			}
		})
	}
}
