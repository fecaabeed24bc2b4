package browser

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// cookieValue protects the files: a request without it gets 403, so a
// finished download proves the cookie travelled.
const cookieValue = "s3cret-7f2a"

// fileSize is big enough that Chromium starts writing before the
// extension decides, small enough to keep the test fast.
const fileSize = 3<<20 + 12345

// seen is one request for a file, as the server saw it.
type seen struct {
	Cookie, Referer, Range, UA string
}

// site serves /page/NAME (sets the cookie, then goes to /file/NAME) and
// /file/NAME (the attachment, ranges allowed, cookie required).
type site struct {
	url string
	// ready, when set, answers /ready: the extension has said hello.
	ready func() bool

	mu   sync.Mutex
	reqs map[string][]seen
}

func newSite(t *testing.T) *site {
	t.Helper()
	s := &site{reqs: map[string][]seen{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/page/{name}", s.page)
	mux.HandleFunc("/file/{name}", s.file)
	mux.HandleFunc("/wait/{name}", s.wait)
	mux.HandleFunc("/ready", func(w http.ResponseWriter, r *http.Request) {
		if s.ready == nil || !s.ready() {
			w.WriteHeader(http.StatusNotFound)
		}
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	s.url = "http://" + l.Addr().String()
	return s
}

func (s *site) page(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	http.SetCookie(w, &http.Cookie{Name: "session", Value: cookieValue, Path: "/"})
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// The page's own navigation carries the cookie and this page as referer.
	fmt.Fprintf(w, `<!doctype html><title>%s</title><a id=f href="/file/%s">file</a>
<script>setTimeout(() => document.getElementById('f').click(), 100)</script>`, name, name)
}

// wait is a start page for a browser that cannot be handed URLs: it sets
// the cookie, waits until /ready says the extension is up, then follows the
// link to the file.
func (s *site) wait(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	http.SetCookie(w, &http.Cookie{Name: "session", Value: cookieValue, Path: "/"})
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!doctype html><title>%s</title><a id=f href="/file/%s">file</a>
<script>
(async () => {
  while (!(await fetch('/ready', {cache: 'no-store'})).ok) await new Promise((r) => setTimeout(r, 100));
  document.getElementById('f').click();
})();
</script>`, name, name)
}

func (s *site) file(w http.ResponseWriter, r *http.Request) {
	c, _ := r.Cookie("session")
	s.mu.Lock()
	s.reqs[r.PathValue("name")] = append(s.reqs[r.PathValue("name")], seen{
		Cookie: r.Header.Get("Cookie"), Referer: r.Header.Get("Referer"), Range: r.Header.Get("Range"), UA: r.UserAgent(),
	})
	s.mu.Unlock()
	if c == nil || c.Value != cookieValue {
		http.Error(w, "no session", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+r.PathValue("name")+`"`)
	w.Header().Set("Content-Type", "application/octet-stream")
	http.ServeContent(w, r, "", time.Unix(1700000000, 0), bytes.NewReader(body(r.PathValue("name"))))
}

// body is the content of /file/name: its own bytes per name, so copies of
// one file are never mistaken for another.
func body(name string) []byte {
	b := make([]byte, fileSize)
	_, _ = rand.NewChaCha8(sha256.Sum256([]byte(name))).Read(b)
	return b
}

// sum is the hex SHA-256 of body(name).
func sum(name string) string {
	h := sha256.Sum256(body(name))
	return hex.EncodeToString(h[:])
}

// requests returns what the server saw for name.
func (s *site) requests(name string) []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.reqs[name]...)
}

// checkHaulRequests asserts Haul fetched name (a ranged request: the
// browser's own first request has no Range) with the cookie and the page
// as referer.
func (s *site) checkHaulRequests(t *testing.T, name, page string) {
	t.Helper()
	var ranged int
	for _, q := range s.requests(name) {
		if !strings.Contains(q.Cookie, "session="+cookieValue) {
			t.Errorf("%s: a request without the cookie: %+v", name, q)
		}
		if q.Range != "" {
			ranged++
			if q.Referer != s.url+page {
				t.Errorf("%s: Haul's request has Referer %q, want %q", name, q.Referer, s.url+page)
			}
			if !strings.Contains(q.UA, "Mozilla/5.0") {
				t.Errorf("%s: Haul's request has User-Agent %q, want the browser's", name, q.UA)
			}
		}
	}
	if ranged == 0 {
		t.Errorf("%s: no ranged request: Haul never fetched it (requests: %+v)", name, s.requests(name))
	}
}
