package downloader

import (
	"context"
	"errors"
	"testing"
	"time"

	"haul/downloader/testserver"
)

func TestParseProxy(t *testing.T) {
	for _, ok := range []string{"", "http://127.0.0.1:3128", "https://proxy:443", "socks5://u:p@127.0.0.1:1080", "socks5h://h:1"} {
		if err := ParseProxy(ok); err != nil {
			t.Errorf("ParseProxy(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"ftp://h:21", "127.0.0.1:3128", "http://", "socks4://h:1"} {
		if err := ParseProxy(bad); !errors.Is(err, ErrBadProxy) {
			t.Errorf("ParseProxy(%q) = %v, want ErrBadProxy", bad, err)
		}
	}
}

// TestProxySetting: with Settings.Proxy set, every request goes through
// the proxy, and the download is still byte-exact.
func TestProxySetting(t *testing.T) {
	f := testserver.File{Size: 2 << 20, Seed: 21}
	srv := testserver.New(testserver.WithFile("/p.bin", f))
	defer srv.Close()
	proxy := testserver.NewProxy()
	defer proxy.Close()

	m := openTest(t, newMemStore(), t.TempDir(), nil)
	st := m.Settings()
	st.Proxy = proxy.URL
	if err := m.SetSettings(st); err != nil {
		t.Fatal(err)
	}
	ids, err := m.Add(context.Background(), Request{URL: srv.URL("/p.bin"), Options: Options{Connections: 4}})
	if err != nil {
		t.Fatal(err)
	}
	s := waitState(t, m, ids[0], 60*time.Second, StateCompleted, StateFailed)
	if s.State != StateCompleted || fileSHA(t, s.Path()) != f.SHA256() {
		t.Fatalf("through the proxy: %s %s", s.State, s.Error)
	}
	if n, direct := int64(len(proxy.Requests())), srv.Stats().Requests; n == 0 || n != direct {
		t.Errorf("proxy saw %d requests, server %d: some went around the proxy", n, direct)
	}
	st.Proxy = "gopher://nope"
	if err := m.SetSettings(st); !errors.Is(err, ErrBadProxy) {
		t.Errorf("a bad proxy was accepted: %v", err)
	}
}
