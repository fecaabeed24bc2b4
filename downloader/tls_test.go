package downloader

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestTLSAlwaysVerified: a server whose certificate is not trusted is
// refused at once with a sentence, never retried into success.
func TestTLSAlwaysVerified(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("should never be read"))
	}))
	defer srv.Close()
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	ids, err := m.Add(context.Background(), Request{URL: srv.URL + "/f"})
	if err != nil {
		t.Fatal(err)
	}
	s := waitState(t, m, ids[0], 30*time.Second, StateFailed, StateCompleted)
	if s.State != StateFailed || s.ErrorKind != KindTLS || !strings.Contains(s.Error, "certificate") {
		t.Fatalf("untrusted server: %s %q %q", s.State, s.ErrorKind, s.Error)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the handler ran %d times: a request got through an untrusted TLS connection", n)
	}
}
