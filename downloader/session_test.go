package downloader

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"haul/downloader/testserver"
)

// TestSessionSettings: session overrides apply at once, are never saved
// unless kept, and survive a SetSettings that leaves them alone.
func TestSessionSettings(t *testing.T) {
	store := newMemStore()
	dir := t.TempDir()
	m := openTest(t, store, dir, nil)
	base := m.Settings()
	base.UI = map[string]string{"theme": "dark"}
	if err := m.SetSettings(base); err != nil {
		t.Fatal(err)
	}
	s := m.Settings()
	s.MaxActive, s.UserAgent = 7, "aria2/1.36"
	if err := m.SetSessionSettings(s); err != nil {
		t.Fatal(err)
	}
	saved := func() Settings {
		t.Helper()
		st, ok, err := store.LoadSettings()
		if err != nil || !ok {
			t.Fatalf("stored settings: %v %v", ok, err)
		}
		return st
	}
	steps := []struct {
		name      string
		do        func() error
		running   func(Settings) bool
		saved     func(Settings) bool
		overrides []string
	}{
		{"session change is not saved", func() error { return nil },
			func(s Settings) bool {
				return s.MaxActive == 7 && s.UserAgent == "aria2/1.36" && s.UI["theme"] == "dark"
			},
			func(s Settings) bool { return s.MaxActive == base.MaxActive && s.UserAgent == "" },
			[]string{"maxActive", "userAgent"}},
		{"a save of other fields keeps the overrides", func() error {
			s := m.Settings()
			s.GlobalLimit = 1 << 20
			return m.SetSettings(s)
		},
			func(s Settings) bool { return s.MaxActive == 7 && s.GlobalLimit == 1<<20 },
			func(s Settings) bool {
				return s.MaxActive == base.MaxActive && s.GlobalLimit == 1<<20 && s.UI["theme"] == "dark"
			},
			[]string{"maxActive", "userAgent"}},
		{"the user's change of an overridden field wins", func() error {
			s := m.Settings()
			s.MaxActive = 2
			return m.SetSettings(s)
		},
			func(s Settings) bool { return s.MaxActive == 2 && s.UserAgent == "aria2/1.36" },
			func(s Settings) bool { return s.MaxActive == 2 && s.UserAgent == "" },
			[]string{"userAgent"}},
		{"a session value equal to the saved one is no override", func() error {
			s := m.Settings()
			s.UserAgent = ""
			return m.SetSessionSettings(s)
		},
			func(s Settings) bool { return s.UserAgent == "" },
			func(s Settings) bool { return s.UserAgent == "" },
			[]string{}},
		{"keep saves what runs", func() error {
			s := m.Settings()
			s.Connections = 3
			if err := m.SetSessionSettings(s); err != nil {
				return err
			}
			return m.KeepSessionSettings()
		},
			func(s Settings) bool { return s.Connections == 3 },
			func(s Settings) bool { return s.Connections == 3 && s.MaxActive == 2 },
			[]string{}},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := m.Settings(); !st.running(got) {
			t.Errorf("%s: running %+v", st.name, got)
		}
		if got := saved(); !st.saved(got) {
			t.Errorf("%s: saved %+v", st.name, got)
		}
		if got := m.SavedSettings(); !st.saved(got) {
			t.Errorf("%s: SavedSettings %+v", st.name, got)
		}
		if got := m.SessionOverrides(); !slices.Equal(got, st.overrides) {
			t.Errorf("%s: overrides %v, want %v", st.name, got, st.overrides)
		}
	}
	for _, bad := range []func(*Settings){
		func(s *Settings) { s.Proxy = "gopher://x" },
		func(s *Settings) { s.UserAgent = "a\r\nX-Injected: 1" },
	} {
		s := m.Settings()
		bad(&s)
		if err := m.SetSessionSettings(s); !errors.Is(err, ErrBadSettings) {
			t.Errorf("bad session settings accepted: %v", err)
		}
	}
}

// TestSessionUserAgent: Settings.UserAgent reaches the requests; a task's
// own User-Agent header still wins.
func TestSessionUserAgent(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("User-Agent"))
		mu.Unlock()
		w.Write([]byte("hello"))
	}))
	defer srv.Close()
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	s := m.Settings()
	s.UserAgent = "Session/1"
	if err := m.SetSessionSettings(s); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, hdr, want string
	}{{"a.txt", "", "Session/1"}, {"b.txt", "Task/2", "Task/2"}} {
		mu.Lock()
		seen = nil
		mu.Unlock()
		req := Request{URL: srv.URL + "/" + tt.name}
		if tt.hdr != "" {
			req.Headers = http.Header{"User-Agent": {tt.hdr}}
		}
		ids, err := m.Add(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if st := waitState(t, m, ids[0], 30*time.Second, StateCompleted, StateFailed); st.State != StateCompleted {
			t.Fatalf("%s: %s", tt.name, st.Error)
		}
		mu.Lock()
		if len(seen) == 0 || slices.ContainsFunc(seen, func(ua string) bool { return ua != tt.want }) {
			t.Errorf("%s: User-Agent %q, want %q", tt.name, seen, tt.want)
		}
		mu.Unlock()
	}
}

// waitFor waits, on the manager's events, until cond holds.
func waitFor(t *testing.T, m *Manager, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	events, stop := m.Subscribe()
	defer stop()
	deadline := time.After(timeout)
	for !cond() {
		select {
		case <-events:
		case <-deadline:
			t.Fatalf("after %v: %s", timeout, what)
		}
	}
}

// TestLowerConnectionsClosesSurplus: lowering a running task's
// connections closes the surplus ones at once, not as ranges finish.
func TestLowerConnectionsClosesSurplus(t *testing.T) {
	f := testserver.File{Size: 64 << 20, Seed: 5}
	srv := testserver.New(testserver.WithFile("/big.bin", f), testserver.WithPerConnRate(256<<10))
	defer srv.Close()
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	ids, err := m.Add(context.Background(), Request{URL: srv.URL("/big.bin"), Options: Options{Connections: 8}})
	if err != nil {
		t.Fatal(err)
	}
	conns := func() int {
		s, _ := m.Get(ids[0])
		return s.Connections
	}
	waitFor(t, m, 30*time.Second, "8 connections", func() bool { return conns() >= 8 })
	if err := m.SetOptions(ids[0], Options{Connections: 2}); err != nil {
		t.Fatal(err)
	}
	// Ranges at 256 KB/s take far longer than this to finish by
	// themselves: only closing them gets here.
	waitFor(t, m, 5*time.Second, "2 connections after lowering", func() bool {
		return conns() <= 2 && srv.Stats().InFlight <= 2
	})
	s, _ := m.Get(ids[0])
	if s.State != StateActive {
		t.Fatalf("task %s (%s) after lowering its connections", s.State, s.Error)
	}
}

// TestTaskProxy: a task's own proxy carries its requests; another task
// goes direct.
func TestTaskProxy(t *testing.T) {
	f := testserver.File{Size: 1 << 20, Seed: 8}
	srv := testserver.New(testserver.WithFile("/p.bin", f))
	defer srv.Close()
	proxy := testserver.NewProxy()
	defer proxy.Close()
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	for _, tt := range []struct {
		proxy   string
		proxied bool
	}{{proxy.URL, true}, {"", false}} {
		proxy.Reset()
		srv.ResetStats()
		ids, err := m.Add(context.Background(), Request{URL: srv.URL("/p.bin"), Options: Options{Proxy: tt.proxy}})
		if err != nil {
			t.Fatal(err)
		}
		s := waitState(t, m, ids[0], 30*time.Second, StateCompleted, StateFailed)
		if s.State != StateCompleted || fileSHA(t, s.Path()) != f.SHA256() {
			t.Fatalf("proxy %q: %s %s", tt.proxy, s.State, s.Error)
		}
		n := int64(len(proxy.Requests()))
		if want := srv.Stats().Requests; tt.proxied && n != want || !tt.proxied && n != 0 {
			t.Errorf("proxy %q: the proxy saw %d of %d requests", tt.proxy, n, want)
		}
	}
	if _, err := m.Add(context.Background(), Request{URL: srv.URL("/p.bin"), Options: Options{Proxy: "ftp://x"}}); err == nil {
		t.Error("a bad task proxy was accepted")
	}
}

// TestLowerDefaultConnectionsClosesSurplus: a running task that follows
// the default connection count sheds connections when the setting drops,
// for the session or for good.
func TestLowerDefaultConnectionsClosesSurplus(t *testing.T) {
	f := testserver.File{Size: 64 << 20, Seed: 6}
	srv := testserver.New(testserver.WithFile("/big.bin", f), testserver.WithPerConnRate(256<<10))
	defer srv.Close()
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	s := m.Settings()
	s.Connections = 6
	if err := m.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	ids, err := m.Add(context.Background(), Request{URL: srv.URL("/big.bin")})
	if err != nil {
		t.Fatal(err)
	}
	conns := func() int {
		s, _ := m.Get(ids[0])
		return s.Connections
	}
	waitFor(t, m, 30*time.Second, "6 connections", func() bool { return conns() >= 6 })
	s.Connections = 2
	if err := m.SetSessionSettings(s); err != nil {
		t.Fatal(err)
	}
	waitFor(t, m, 5*time.Second, "2 connections after lowering the default", func() bool {
		return conns() <= 2 && srv.Stats().InFlight <= 2
	})
}
