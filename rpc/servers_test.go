package rpc

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"haul/downloader"
	"haul/downloader/testserver"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// newBasicAuthServer serves file at every path to user:pass (RFC 7617)
// and answers 401 to anyone else.
func newBasicAuthServer(t *testing.T, user, pass string, file testserver.File) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != user || p != pass {
			w.Header().Set("WWW-Authenticate", `Basic realm="haul test"`)
			http.Error(w, "who are you?", http.StatusUnauthorized)
			return
		}
		http.ServeContent(w, r, "f.bin", time.Time{}, file.Content())
	}))
	t.Cleanup(srv.Close)
	return srv
}

// openManager opens a real engine on store with dir as the download
// folder, closed when the test ends.
func openManager(t *testing.T, store downloader.Store, dir string) *downloader.Manager {
	t.Helper()
	m, err := downloader.Open(context.Background(), downloader.Config{Store: store, DefaultFolder: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// newProxy starts testserver's recording forward proxy for one test.
func newProxy(t *testing.T) *testserver.Proxy {
	p := testserver.NewProxy()
	t.Cleanup(p.Close)
	return p
}
