package testserver

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
)

// Proxy is a forward HTTP proxy for tests (absolute-form requests, RFC
// 9112 §3.2.2; no CONNECT, so http:// links only) that records every
// request it carries, to show a download went through it.
type Proxy struct {
	// URL is the proxy's address, e.g. http://127.0.0.1:40123.
	URL string

	srv  *httptest.Server
	mu   sync.Mutex
	seen []string
}

// NewProxy starts a proxy on a free loopback port; Close stops it.
func NewProxy() *Proxy {
	p := &Proxy{}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	p.URL = p.srv.URL
	return p
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	if !r.URL.IsAbs() {
		http.Error(w, "not a proxy request", http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	p.seen = append(p.seen, r.URL.String())
	p.mu.Unlock()
	out := r.Clone(r.Context())
	out.RequestURI = ""
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

// Requests lists the URLs of the requests carried so far, in order.
func (p *Proxy) Requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.seen)
}

// Reset forgets the requests carried so far.
func (p *Proxy) Reset() {
	p.mu.Lock()
	p.seen = nil
	p.mu.Unlock()
}

// Close stops the proxy.
func (p *Proxy) Close() { p.srv.Close() }
