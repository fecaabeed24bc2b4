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
	"sync"
	"testing"
	"time"

	"haul/downloader"
	"haul/rpc"
)

// fakeHaul answers aria2.addUri like Haul's RPC and records the calls.
type fakeHaul struct {
	srv    *httptest.Server
	refuse string
	mu     sync.Mutex
	calls  [][]json.RawMessage
}

func newFakeHaul(t *testing.T) *fakeHaul {
	f := &fakeHaul{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Method string            `json:"method"`
			Params []json.RawMessage `json:"params"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		f.mu.Lock()
		f.calls = append(f.calls, req.Params)
		f.mu.Unlock()
		if f.refuse != "" {
			json.NewEncoder(w).Encode(map[string]any{"id": "x", "error": map[string]any{"code": 1, "message": f.refuse}})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"id": "x", "result": "2089b05ecca3d829"})
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeHaul) port() int {
	_, p, _ := net.SplitHostPort(f.srv.Listener.Addr().String())
	n, _ := strconv.Atoi(p)
	return n
}

func writeInstance(t *testing.T, dir string, port int) {
	t.Helper()
	b, _ := json.Marshal(rpc.Instance{Port: port, Token: "tok", PID: 42})
	if err := os.WriteFile(filepath.Join(dir, rpc.InstanceFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

var sample = downloader.Request{URL: "http://e.com/f.iso", Name: "f.iso", Folder: "/dl",
	Options: downloader.Options{Headers: map[string][]string{"Cookie": {"sid=abc"}, "Referer": {"http://e.com/"}}}}

func TestLoopbackRunning(t *testing.T) {
	dir := t.TempDir()
	f := newFakeHaul(t)
	writeInstance(t, dir, f.port())
	id, queued, err := Loopback{DataDir: dir}.Submit(context.Background(), sample)
	if err != nil || queued || id != "2089b05ecca3d829" {
		t.Fatalf("Submit = %q, %v, %v", id, queued, err)
	}
	var token string
	var uris []string
	var opts struct {
		Header []string `json:"header"`
		Out    string   `json:"out"`
		Dir    string   `json:"dir"`
	}
	c := f.calls[0]
	json.Unmarshal(c[0], &token)
	json.Unmarshal(c[1], &uris)
	json.Unmarshal(c[2], &opts)
	if token != "token:tok" || len(uris) != 1 || uris[0] != sample.URL || opts.Out != "f.iso" || opts.Dir != "/dl" {
		t.Errorf("addUri params: %s", c)
	}
	if len(opts.Header) != 2 {
		t.Errorf("headers %q, want Cookie and Referer", opts.Header)
	}
}

func TestLoopbackRefused(t *testing.T) {
	dir := t.TempDir()
	f := newFakeHaul(t)
	f.refuse = "The folder /dl cannot be written."
	writeInstance(t, dir, f.port())
	queuedCalls := 0
	l := Loopback{DataDir: dir, Queue: func(context.Context, downloader.Request) (string, error) { queuedCalls++; return "q", nil }}
	_, _, err := l.Submit(context.Background(), sample)
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
			f := newFakeHaul(t)
			starts := 0
			l := Loopback{DataDir: dir, StartTimeout: 10 * time.Second,
				Start: func() (<-chan error, error) {
					starts++
					exited := make(chan error, 1)
					if tt.startOK {
						// Haul writes its instance file once it listens.
						go writeInstanceLater(dir, f.port())
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
			if tt.wantQueued && id != "queued-id" || !tt.wantQueued && (id != "2089b05ecca3d829" || len(f.calls) != 1) {
				t.Errorf("id %q, calls %d", id, len(f.calls))
			}
		})
	}
}

func writeInstanceLater(dir string, port int) {
	b, _ := json.Marshal(rpc.Instance{Port: port, Token: "tok", PID: 43})
	tmp := filepath.Join(dir, ".instance-tmp")
	os.WriteFile(tmp, b, 0o600)
	os.Rename(tmp, filepath.Join(dir, rpc.InstanceFile))
}

func TestLoopbackNothingWorks(t *testing.T) {
	_, _, err := Loopback{DataDir: t.TempDir(),
		Queue: func(context.Context, downloader.Request) (string, error) { return "", errors.New("locked") },
	}.Submit(context.Background(), sample)
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("err = %v, want ErrUnavailable", err)
	}
}
