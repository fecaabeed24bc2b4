package rpc

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"haul/downloader"
	"haul/downloader/testserver"
)

// logLines collects Config.Logf output.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, sprintf(format, args...))
}

func (l *logLines) has(sub string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.ContainsFunc(l.lines, func(s string) bool { return strings.Contains(s, sub) })
}

// TestClientTaskOptions: the options aria2 clients set on addUri map onto
// the task, or are refused with a sentence.
func TestClientTaskOptions(t *testing.T) {
	tests := []struct {
		name  string
		link  string
		opts  map[string]any
		check func(t *testing.T, r downloader.Request)
		err   string
	}{
		{"all-proxy", "http://example.com/a", map[string]any{"all-proxy": "http://127.0.0.1:3128"},
			func(t *testing.T, r downloader.Request) { wantEq(t, r.Options.Proxy, "http://127.0.0.1:3128") }, ""},
		{"aria2's bare host:port with credentials", "https://example.com/a",
			map[string]any{"all-proxy": "127.0.0.1:3128", "all-proxy-user": "u", "all-proxy-passwd": "p w"},
			func(t *testing.T, r downloader.Request) { wantEq(t, r.Options.Proxy, "http://u:p%20w@127.0.0.1:3128") }, ""},
		{"https-proxy wins for https", "https://example.com/a",
			map[string]any{"all-proxy": "http://a:1", "https-proxy": "socks5://b:2", "http-proxy": "http://c:3"},
			func(t *testing.T, r downloader.Request) { wantEq(t, r.Options.Proxy, "socks5://b:2") }, ""},
		{"http-proxy wins for http", "http://example.com/a",
			map[string]any{"all-proxy": "http://a:1", "https-proxy": "socks5://b:2", "http-proxy": "http://c:3"},
			func(t *testing.T, r downloader.Request) { wantEq(t, r.Options.Proxy, "http://c:3") }, ""},
		{"bad proxy", "http://example.com/a", map[string]any{"all-proxy": "gopher://x:1"}, nil, "all-proxy must look like"},
		{"http-user and http-passwd", "http://example.com/a", map[string]any{"http-user": "alice", "http-passwd": "s3cr:et"},
			func(t *testing.T, r downloader.Request) {
				wantEq(t, r.Options.Headers.Get("Authorization"), "Basic YWxpY2U6czNjcjpldA==")
				wantEq(t, r.URL, "http://example.com/a")
			}, ""},
		{"out with a folder", "http://example.com/a", map[string]any{"dir": "/dl", "out": "sub/deeper/x.bin"},
			func(t *testing.T, r downloader.Request) {
				wantEq(t, r.Folder, filepath.Join("/dl", "sub", "deeper"))
				wantEq(t, r.Name, "x.bin")
			}, ""},
		{"out with a folder under the default dir", "http://example.com/a", map[string]any{"out": "sub/x.bin"},
			func(t *testing.T, r downloader.Request) { wantEq(t, r.Folder, filepath.Join("/downloads", "sub")) }, ""},
		{"out that stays inside", "http://example.com/a", map[string]any{"dir": "/dl", "out": "a/../b/./x.bin"},
			func(t *testing.T, r downloader.Request) { wantEq(t, r.Folder, filepath.Join("/dl", "b")) }, ""},
		{"out climbing out", "http://example.com/a", map[string]any{"dir": "/dl", "out": "a/../../x.bin"}, nil, "path inside dir"},
		{"out climbing out with backslashes", "http://example.com/a", map[string]any{"dir": "/dl", "out": `..\x.bin`}, nil, "path inside dir"},
		{"absolute out", "http://example.com/a", map[string]any{"dir": "/dl", "out": "/etc/x.bin"}, nil, "path inside dir"},
		{"out naming a folder", "http://example.com/a", map[string]any{"out": "sub/"}, nil, "end with a file name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			s := startTest(t, f, nil)
			var gid string
			res, e := call(t, s, "aria2.addUri", []string{tt.link}, tt.opts)
			if tt.err != "" {
				if e == nil || !strings.Contains(e.Message, tt.err) {
					t.Fatalf("got %s %v, want an error with %q", res, e, tt.err)
				}
				if len(f.Requests()) != 0 {
					t.Fatal("a refused download was added")
				}
				return
			}
			if e != nil {
				t.Fatal(e)
			}
			_ = gid
			tt.check(t, f.Requests()[0])
		})
	}
}

func wantEq(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestOptionsReadBack: options Haul does not apply are stored, read back
// and logged; secrets and cookies are never read back.
func TestOptionsReadBack(t *testing.T) {
	f := newFake()
	var log logLines
	s := startTest(t, f, func(c *Config) { c.Logf = log.logf })
	var gid string
	mustCall(t, s, &gid, "aria2.addUri", []string{"http://example.com/a"}, map[string]any{
		"max-tries": "5", "check-certificate": "false", "lowest-speed-limit": "1K",
		"header":    []string{"Cookie: sid=SECRET1", "X-A: 1"},
		"http-user": "alice", "http-passwd": "SECRET2",
	})
	mustCall(t, s, nil, "aria2.changeOption", gid, map[string]string{"allow-overwrite": "true"})
	var o map[string]string
	mustCall(t, s, &o, "aria2.getOption", gid)
	for k, v := range map[string]string{"max-tries": "5", "check-certificate": "false", "lowest-speed-limit": "1K",
		"allow-overwrite": "true", "header": "X-A: 1", "http-user": "alice"} {
		if o[k] != v {
			t.Errorf("getOption %s = %q, want %q", k, o[k], v)
		}
	}
	for k, v := range o {
		if strings.Contains(v, "SECRET") || strings.Contains(v, "Basic ") || k == "http-passwd" {
			t.Errorf("getOption gave away %s = %q", k, v)
		}
	}
	for _, want := range []string{"max-tries is stored but not applied", "allow-overwrite is stored but not applied",
		"check-certificate is stored but not applied: Haul always verifies"} {
		if !log.has(want) {
			t.Errorf("log has no %q: %q", want, log.lines)
		}
	}
	if log.has("option header") || log.has("option http-user") {
		t.Errorf("applied options logged as not applied: %q", log.lines)
	}

	mustCall(t, s, nil, "aria2.changeGlobalOption", map[string]string{"max-tries": "9", "rpc-secret": "SECRET3"})
	var g map[string]string
	mustCall(t, s, &g, "aria2.getGlobalOption")
	if g["max-tries"] != "9" || g["rpc-secret"] != "" {
		t.Errorf("getGlobalOption max-tries %q rpc-secret %q", g["max-tries"], g["rpc-secret"])
	}
}

// TestClientGlobalOptions: user-agent and proxies map onto the settings,
// for this session only (a front end hears of it from the engine's
// EventSettings).
func TestClientGlobalOptions(t *testing.T) {
	f := newFake()
	s := startTest(t, f, nil)
	mustCall(t, s, nil, "aria2.changeGlobalOption", map[string]string{"user-agent": "Ext/1", "all-proxy": "127.0.0.1:8080"})
	st := f.Settings()
	if st.UserAgent != "Ext/1" || st.Proxy != "http://127.0.0.1:8080" {
		t.Errorf("settings %+v", st)
	}
	if f.SessionChanges() != 1 {
		t.Errorf("%d session changes, want 1", f.SessionChanges())
	}
	mustCall(t, s, nil, "aria2.changeGlobalOption", map[string]string{"http-proxy": "http://a:1", "https-proxy": ""})
	if st := f.Settings(); st.Proxy != "http://a:1" {
		t.Errorf("proxy %q", st.Proxy)
	}
	if _, e := call(t, s, "aria2.changeGlobalOption", map[string]string{"http-proxy": "http://a:1", "https-proxy": "http://b:2"}); e == nil ||
		!strings.Contains(e.Message, "one proxy") {
		t.Errorf("two proxies: %v", e)
	}
	var g map[string]string
	mustCall(t, s, &g, "aria2.getGlobalOption")
	if g["user-agent"] != "Ext/1" || g["all-proxy"] != "http://a:1" {
		t.Errorf("getGlobalOption %v", g)
	}
}

// TestGlobalOptionsAreSessionOnly: with the real engine, changeGlobalOption
// changes what runs, not what is saved.
func TestGlobalOptionsAreSessionOnly(t *testing.T) {
	store := newMemStore()
	m := openManager(t, store, t.TempDir())
	s := startTest(t, m, nil)
	mustCall(t, s, nil, "aria2.changeGlobalOption", map[string]string{"max-concurrent-downloads": "9", "user-agent": "Ext/2"})
	if st := m.Settings(); st.MaxActive != 9 || st.UserAgent != "Ext/2" {
		t.Errorf("running %+v", st)
	}
	if saved, _, _ := store.LoadSettings(); saved.MaxActive == 9 || saved.UserAgent != "" {
		t.Errorf("saved %+v", saved)
	}
	if got := m.SessionOverrides(); !slices.Equal(got, []string{"maxActive", "userAgent"}) {
		t.Errorf("overrides %v", got)
	}
}

// TestOptionsEndToEnd: with the real engine, http-user/http-passwd reach
// a Basic-auth server, out with a folder lands under dir, and all-proxy
// carries every request.
func TestOptionsEndToEnd(t *testing.T) {
	file := testserver.File{Size: 1<<20 + 7, Seed: 11}
	srv := testserver.New(testserver.WithFile("/f.bin", file))
	defer srv.Close()
	auth := newBasicAuthServer(t, "alice", "pw", file)
	proxy := newProxy(t)
	dir := t.TempDir()
	m := openManager(t, newMemStore(), dir)
	s := startTest(t, m, nil)
	tests := []struct {
		name string
		link string
		opts map[string]string
		path string
	}{
		{"basic auth", auth.URL + "/f.bin", map[string]string{"http-user": "alice", "http-passwd": "pw"}, filepath.Join(dir, "f.bin")},
		{"out with a folder", srv.URL("/f.bin"), map[string]string{"dir": dir, "out": "sub/x.bin"}, filepath.Join(dir, "sub", "x.bin")},
		{"all-proxy", srv.URL("/f.bin"), map[string]string{"all-proxy": proxy.URL, "out": "p.bin"}, filepath.Join(dir, "p.bin")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gid string
			mustCall(t, s, &gid, "aria2.addUri", []string{tt.link}, tt.opts)
			waitDone(t, m, gid)
			if got, _ := testserver.FileSHA256(tt.path); got != file.SHA256() {
				t.Errorf("%s: wrong or missing file", tt.path)
			}
		})
	}
	if n := len(proxy.Requests()); n == 0 {
		t.Error("the proxy saw no request")
	}
	if _, err := os.Stat(filepath.Join(dir, "sub")); err != nil {
		t.Error(err)
	}
}

// waitDone waits for the task to complete and fails on an error.
func waitDone(t *testing.T, m *downloader.Manager, gid string) {
	t.Helper()
	waitEngine(t, m, 60*time.Second, "completion", func() bool {
		st, err := m.Get(gid)
		if err != nil || st.State == downloader.StateFailed {
			t.Fatalf("download failed: %v %s", err, st.Error)
		}
		return st.State == downloader.StateCompleted
	})
}

// TestChangeOptionOnActiveDownload: with the real engine, lowering split
// or max-connection-per-server closes the surplus connections of a
// running download at once; max-download-limit reaches it too (measured
// in TestNpmAria2ClientOptions).
func TestChangeOptionOnActiveDownload(t *testing.T) {
	file := testserver.File{Size: 64 << 20, Seed: 12}
	srv := testserver.New(testserver.WithFile("/big.bin", file), testserver.WithPerConnRate(256<<10))
	defer srv.Close()
	m := openManager(t, newMemStore(), t.TempDir())
	s := startTest(t, m, nil)
	var gid string
	mustCall(t, s, &gid, "aria2.addUri", []string{srv.URL("/big.bin")}, map[string]string{"split": "8"})
	conns := func() int {
		st, _ := m.Get(gid)
		return st.Connections
	}
	waitEngine(t, m, 10*time.Second, "8 connections", func() bool { return conns() >= 8 })
	for _, tt := range []struct {
		option string
		want   int
	}{{"split", 3}, {"max-connection-per-server", 1}} {
		mustCall(t, s, nil, "aria2.changeOption", gid, map[string]string{tt.option: strconv.Itoa(tt.want)})
		waitEngine(t, m, 10*time.Second, sprintf("%s=%d", tt.option, tt.want), func() bool {
			return conns() <= tt.want && srv.Stats().InFlight <= tt.want
		})
	}
	mustCall(t, s, nil, "aria2.changeOption", gid, map[string]string{"max-download-limit": "300K"})
	if st, _ := m.Get(gid); st.Options.SpeedLimit != 300<<10 || st.State != downloader.StateActive {
		t.Errorf("after max-download-limit: %s, limit %d", st.State, st.Options.SpeedLimit)
	}
}

// waitEngine waits on the engine's events until cond holds.
func waitEngine(t *testing.T, m *downloader.Manager, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	events, stop := m.Subscribe()
	defer stop()
	deadline := time.After(timeout)
	for !cond() {
		select {
		case <-events:
		case <-deadline:
			t.Fatalf("no %s after %v", what, timeout)
		}
	}
}
