package remote

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"haul/downloader"
	"haul/downloader/store"
	"haul/downloader/testserver"
	"haul/rpc"
)

const secret = "remote-test-secret"

// remoteHaul is a real engine behind a real RPC server: the "other
// computer" of these tests.
func remoteHaul(t *testing.T) (*downloader.Manager, *rpc.Server, string) {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(filepath.Join(dir, "haul.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	m, err := downloader.Open(context.Background(), downloader.Config{Store: db, DefaultFolder: filepath.Join(dir, "dl")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	srv, err := rpc.Start(rpc.Config{Engine: m, Port: rpc.AnyPort, Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return m, srv, dir
}

// localSettings is this computer's store of the window's preferences.
type localSettings struct{ s downloader.Settings }

func (l *localSettings) Settings() downloader.Settings           { return l.s }
func (l *localSettings) SetSettings(s downloader.Settings) error { l.s = s; return nil }

// waitFor reads events until one satisfies ok, or fails after a deadline.
func waitFor(t *testing.T, events <-chan downloader.Event, what string, ok func(downloader.Event) bool) downloader.Event {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case ev, open := <-events:
			if !open {
				t.Fatalf("subscription closed while waiting for %s", what)
			}
			if ok(ev) {
				return ev
			}
		case <-deadline:
			t.Fatalf("no event for %s within 20 s", what)
		}
	}
}

func TestEngineDrivesRemoteQueue(t *testing.T) {
	file := testserver.File{Size: 1<<20 + 77, Seed: 3}
	slow := testserver.File{Size: 4 << 20, Seed: 4}
	web := testserver.New(testserver.WithFile("/f.bin", file), testserver.WithFile("/slow.bin", slow), testserver.WithPerConnRate(256<<10))
	defer web.Close()
	m, srv, dir := remoteHaul(t)
	local := &localSettings{s: downloader.DefaultSettings("/local/dl")}
	local.s.UI = map[string]string{"language": "en"}

	e, err := Dial(context.Background(), srv.URL(), secret, local)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	events, unsubscribe := e.Subscribe()
	defer unsubscribe()

	out := filepath.Join(dir, "out")
	ids, err := e.Add(context.Background(), downloader.Request{URL: web.URL("/f.bin"), Folder: out, Name: "got.bin",
		Options: downloader.Options{Connections: 2, Checksum: mustChecksum(t, "sha256="+file.SHA256())}})
	if err != nil || len(ids) != 1 || ids[0] == "" {
		t.Fatalf("Add = %v, %v", ids, err)
	}
	waitFor(t, events, "added", func(ev downloader.Event) bool { return ev.Kind == downloader.EventAdded && ev.Task.ID == ids[0] })
	done := waitFor(t, events, "completed", func(ev downloader.Event) bool {
		return ev.Task.ID == ids[0] && ev.Task.State == downloader.StateCompleted
	})
	if done.Task.Path() != filepath.Join(out, "got.bin") || done.Task.Size != file.Size || done.Task.URL != web.URL("/f.bin") {
		t.Errorf("completed snapshot = %+v", done.Task)
	}
	if got, err := m.Get(ids[0]); err != nil || got.State != downloader.StateCompleted || got.Options.Checksum.IsZero() {
		t.Errorf("remote task = %+v, %v; want completed with its checksum", got, err)
	}

	// Pause and resume a slow one; the remote engine sees each command.
	ids, err = e.Add(context.Background(), downloader.Request{URL: web.URL("/slow.bin"), Folder: out})
	if err != nil {
		t.Fatal(err)
	}
	slowID := ids[0]
	waitFor(t, events, "slow active", func(ev downloader.Event) bool { return ev.Task.ID == slowID && ev.Task.State == downloader.StateActive })
	if err := e.Pause(slowID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, events, "slow paused", func(ev downloader.Event) bool { return ev.Task.ID == slowID && ev.Task.State == downloader.StatePaused })
	if s, _ := m.Get(slowID); s.State != downloader.StatePaused {
		t.Errorf("remote state after Pause = %s", s.State)
	}
	if err := e.Remove(slowID, true); err == nil {
		t.Error("Remove with deleteFile succeeded: files on another computer cannot be deleted")
	} else if _, gerr := m.Get(slowID); gerr != nil {
		t.Errorf("a refused Remove removed the task anyway: %v", gerr)
	}
	if err := e.Resume(slowID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, events, "slow resumed", func(ev downloader.Event) bool { return ev.Task.ID == slowID && ev.Task.State == downloader.StateActive })
	if err := e.Remove(slowID, false); err != nil {
		t.Fatal(err)
	}
	waitFor(t, events, "slow removed", func(ev downloader.Event) bool { return ev.Kind == downloader.EventRemoved && ev.Task.ID == slowID })
	if _, err := m.Get(slowID); !errors.Is(err, downloader.ErrNotFound) {
		t.Errorf("remote still has the removed task: %v", err)
	}
	if _, err := e.Get(slowID); !errors.Is(err, downloader.ErrNotFound) {
		t.Errorf("the cache still has the removed task: %v", err)
	}
}

func TestEngineSettings(t *testing.T) {
	m, srv, _ := remoteHaul(t)
	local := &localSettings{s: downloader.DefaultSettings("/local/dl")}
	e, err := Dial(context.Background(), srv.URL(), secret, local)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s := e.Settings()
	if s.Folder != m.Settings().Folder {
		t.Errorf("Settings().Folder = %q, want the remote's %q", s.Folder, m.Settings().Folder)
	}
	s.Folder, s.MaxActive, s.GlobalLimit = "/srv/remote", 7, 3<<20
	s.UI = map[string]string{"language": "zh-Hans"}
	s.PerHost, s.Proxy = 4, "http://proxy.local:3128"
	if err := e.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	if r := m.Settings(); r.Folder != "/srv/remote" || r.MaxActive != 7 || r.GlobalLimit != 3<<20 {
		t.Errorf("remote settings = %+v", r)
	}
	if local.s.Folder != "/local/dl" || local.s.UI["language"] != "zh-Hans" || local.s.PerHost != 4 || local.s.Proxy != "http://proxy.local:3128" {
		t.Errorf("local settings = %+v: want the local folder kept and the window's preferences saved here", local.s)
	}
	bad := e.Settings()
	bad.MaxActive = 1000
	if err := e.SetSettings(bad); !errors.Is(err, ErrRemote) {
		t.Errorf("a bad value gave %v, want ErrRemote", err)
	}
}

func TestDialFails(t *testing.T) {
	_, srv, _ := remoteHaul(t)
	if _, err := Dial(context.Background(), srv.URL(), "wrong", &localSettings{}); !errors.Is(err, ErrRemote) {
		t.Errorf("wrong secret: %v, want ErrRemote", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String() // a port nothing listens on any more
	l.Close()
	if _, err := Dial(context.Background(), dead, secret, &localSettings{}); !errors.Is(err, ErrUnreachable) || !errors.Is(err, ErrRefused) {
		t.Errorf("closed server: %v, want ErrUnreachable saying nothing listens", err)
	}
}

func TestEndpoint(t *testing.T) {
	tests := []struct{ in, want string }{
		{"nas.local", "http://nas.local:6800/jsonrpc"},
		{"192.168.1.5:6801", "http://192.168.1.5:6801/jsonrpc"},
		{"https://nas.example/jsonrpc", "https://nas.example:6800/jsonrpc"},
		{"ws://nas:6800/jsonrpc", "http://nas:6800/jsonrpc"},
		{"http://user:pw@[::1]:7000/x?y=1", "http://[::1]:7000/x"},
		{"", ""},
		{"ftp://nas", ""},
		{"http://", ""},
	}
	for _, tt := range tests {
		got, err := Endpoint(tt.in)
		if (err != nil) != (tt.want == "") || got != tt.want {
			t.Errorf("Endpoint(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// The remote queue can stand behind this computer's RPC service too, so a
// browser extension pointed here adds to the other computer.
var _ rpc.Engine = (*Engine)(nil)

// TestOnHealth: when the other computer stops answering, the engine says
// so once, and the list keeps what it last read.
func TestOnHealth(t *testing.T) {
	m, srv, _ := remoteHaul(t)
	if _, err := m.Add(context.Background(), downloader.Request{URL: "http://127.0.0.1:9/x", Paused: true}); err != nil {
		t.Fatal(err)
	}
	e, err := Dial(context.Background(), srv.URL(), secret, &localSettings{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	health := make(chan error, 4)
	e.OnHealth(func(err error) { health <- err })
	srv.Close()
	select {
	case err := <-health:
		if !errors.Is(err, ErrUnreachable) {
			t.Errorf("health = %v, want ErrUnreachable", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no health change after the server went away")
	}
	if n := len(e.List()); n != 1 {
		t.Errorf("List has %d tasks after the server went away, want the last reading (1)", n)
	}
	if !errors.Is(e.LastError(), ErrUnreachable) {
		t.Errorf("LastError = %v", e.LastError())
	}
}

func mustChecksum(t *testing.T, s string) downloader.Checksum {
	t.Helper()
	c, err := downloader.ParseChecksum(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The window's Change link… over the RPC: another file is refused with
// the remote's sentence, the same file is taken and the task resumes.
func TestEngineChangeURL(t *testing.T) {
	old := downloader.StallTimeout
	downloader.StallTimeout = 300 * time.Millisecond
	t.Cleanup(func() { downloader.StallTimeout = old })
	f := testserver.File{Size: 4 << 20, Seed: 1620}
	a := testserver.New(testserver.WithFile("/a.bin", f), testserver.WithPerConnRate(512<<10))
	defer a.Close()
	other := testserver.New(testserver.WithFile("/same.bin", f),
		testserver.WithFile("/other.bin", testserver.File{Size: f.Size, Seed: 1621, NoETag: true, NoLastModified: true}))
	defer other.Close()
	m, srv, dir := remoteHaul(t)
	e, err := Dial(context.Background(), srv.URL(), secret, &localSettings{s: downloader.DefaultSettings("/local/dl")})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	events, unsubscribe := e.Subscribe()
	defer unsubscribe()
	ids, err := e.Add(context.Background(), downloader.Request{URL: a.URL("/a.bin"), Folder: filepath.Join(dir, "out"), Options: downloader.Options{Connections: 1}})
	if err != nil {
		t.Fatal(err)
	}
	id := ids[0]
	waitFor(t, events, "bytes", func(ev downloader.Event) bool { return ev.Task.ID == id && ev.Task.Done >= 1<<20 })
	if err := e.Pause(id); err != nil {
		t.Fatal(err)
	}
	waitFor(t, events, "paused", func(ev downloader.Event) bool { return ev.Task.ID == id && ev.Task.State == downloader.StatePaused })
	err = e.ChangeURL(context.Background(), id, other.URL("/other.bin"))
	if got := downloader.Sentence(err); !strings.HasPrefix(got, "That link leads to a different file") {
		t.Fatalf("another file: %q (%v)", got, err)
	}
	if err := e.ChangeURL(context.Background(), id, other.URL("/same.bin")); err != nil {
		t.Fatal(err)
	}
	if s, _ := m.Get(id); s.URL != other.URL("/same.bin") {
		t.Errorf("remote URL %q", s.URL)
	}
}

// TestHealthReason: the banner is told again when the reason reads fail
// changes, not only when they start or stop failing. An answer of the
// wrong shape is worded by its own text, a network error as "network
// error": they differ.
func TestHealthReason(t *testing.T) {
	closed := fmt.Errorf("%w: %w", ErrUnreachable, ErrClosed)
	refused := fmt.Errorf("%w: %w", ErrUnreachable, ErrRefused)
	unauthorized := fmt.Errorf("%w: Unauthorized", ErrRemote)
	for _, tc := range []struct {
		a, b error
		same bool
	}{
		{nil, nil, true},
		{nil, closed, false},
		{closed, fmt.Errorf("%w: %w", ErrUnreachable, ErrClosed), true},
		{closed, refused, false},
		{refused, unauthorized, false},
		{errors.New("something else"), fmt.Errorf("%w: %w", ErrUnreachable, ErrNetwork), false},
	} {
		if got := ReasonOf(tc.a) == ReasonOf(tc.b); got != tc.same {
			t.Errorf("ReasonOf(%v) == ReasonOf(%v): %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}
