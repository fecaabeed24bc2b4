package testserver

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Server is a running test server. All methods are safe for concurrent use.
type Server struct {
	ts *httptest.Server

	mu       sync.Mutex
	set      settings
	stats    Stats
	closed   bool
	hijacked map[net.Conn]struct{} // raw conns of WithLieLength bodies
	tokens   map[string]int        // one-shot token → uses left
	tokenSeq uint64

	done     chan struct{} // closed by Close; ends stalls and pacing
	handlers sync.WaitGroup
	once     sync.Once
}

// fileState is one version of a served file.
type fileState struct {
	File
	version      uint64
	etag         string
	lastModified string
}

// epoch makes Last-Modified deterministic; each version is a minute later so
// the date changes even at HTTP's one-second resolution.
var epoch = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

func newFileState(f File, version uint64) *fileState {
	fs := &fileState{File: f, version: version}
	if !f.NoETag {
		fs.etag = fmt.Sprintf(`"%x-%x-%d"`, f.Seed, f.Size, version)
	}
	if !f.NoLastModified {
		fs.lastModified = epoch.Add(time.Duration(version) * time.Minute).Format(http.TimeFormat)
	}
	return fs
}

func cleanPath(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return p
}

// New starts a server on 127.0.0.1 with opts applied.
func New(opts ...Option) *Server {
	s := &Server{
		set:      defaultSettings(),
		hijacked: map[net.Conn]struct{}{},
		tokens:   map[string]int{},
		done:     make(chan struct{}),
	}
	for _, o := range opts {
		o(&s.set)
	}
	s.ts = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	if l := s.set.listener; l != nil {
		s.ts.Listener.Close()
		s.ts.Listener = l
		s.set.listener = nil
	}
	// httptest chains this hook after its own bookkeeping.
	s.ts.Config.ConnState = s.connState
	s.ts.Start()
	return s
}

// URL is the absolute URL of path on this server; URL("") is the base.
func (s *Server) URL(path string) string {
	if path == "" {
		return s.ts.URL
	}
	return s.ts.URL + cleanPath(path)
}

// Client is an http.Client for this server whose idle connections Close
// also shuts.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Set applies opts to the running server; requests that arrive afterwards
// see them.
func (s *Server) Set(opts ...Option) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range opts {
		o(&s.set)
	}
}

// SetFile adds or replaces the file at path (as WithFile).
func (s *Server) SetFile(path string, f File) { s.Set(WithFile(path, f)) }

// Replace gives the file at path new content from seed, keeping its other
// attributes, with a new ETag and Last-Modified. It reports whether the
// file existed.
func (s *Server) Replace(path string, seed uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	fs, ok := s.set.files[cleanPath(path)]
	if !ok {
		return false
	}
	f := fs.File
	f.Seed = seed
	s.set.putFile(path, f)
	return true
}

// Version is what a client sees of a file right now.
type Version struct {
	File
	ETag         string
	LastModified string
}

// File returns the current version of the file at path.
func (s *Server) File(path string) (Version, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fs, ok := s.set.files[cleanPath(path)]
	if !ok {
		return Version{}, false
	}
	return Version{File: fs.File, ETag: fs.etag, LastModified: fs.lastModified}, true
}

// Close stops the server: pending responses, stalled or throttled ones
// included, are ended and their connections closed. It returns once every
// handler has returned. Calling it again does nothing.
func (s *Server) Close() {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		raw := make([]net.Conn, 0, len(s.hijacked))
		for c := range s.hijacked {
			raw = append(raw, c)
		}
		s.mu.Unlock()

		close(s.done)
		// Stop new connections first so none slips in after the sweep.
		s.ts.Listener.Close()
		// httptest.Close waits for active requests; closing their
		// connections unblocks handlers stuck writing to a client that
		// stopped reading.
		s.ts.CloseClientConnections()
		for _, c := range raw {
			c.Close()
		}
		s.ts.Close()
		// Hijacked handlers are invisible to httptest.
		s.handlers.Wait()
	})
}

func (s *Server) connState(_ net.Conn, cs http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch cs {
	case http.StateNew:
		s.stats.OpenConns++
		s.stats.PeakConns = max(s.stats.PeakConns, s.stats.OpenConns)
	case http.StateClosed, http.StateHijacked:
		s.stats.OpenConns--
	}
}

// serveHTTP admits the request (or refuses it as the faults say) and routes
// it to a redirect or a file.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.admit(w, r) {
		return
	}
	defer s.release()
	s.mu.Lock()
	delay, inFlight := s.set.answerDelay, s.stats.InFlight
	s.mu.Unlock()
	if delay != nil {
		if d := delay(r, inFlight); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-s.done:
				t.Stop()
				return
			case <-r.Context().Done(): // the client gave up
				t.Stop()
				return
			}
		}
	}

	p := r.URL.Path
	switch {
	case p == "/redirect":
		s.redirect(w, r.URL.Query().Get("to"))
	case strings.HasPrefix(p, "/r/"):
		s.serveHops(w, r, strings.TrimPrefix(p, "/r/"))
	case strings.HasPrefix(p, "/scheme/"):
		s.redirect(w, "ftp://"+r.Host+"/"+strings.TrimPrefix(p, "/scheme/"))
	case strings.HasPrefix(p, "/expire/"):
		s.serveExpire(w, strings.TrimPrefix(p, "/expire/"))
	case strings.HasPrefix(p, "/hls/"):
		s.serveHLS(w, r, strings.TrimPrefix(p, "/hls/"))
	case strings.HasPrefix(p, "/setcookie/"):
		s.serveSetCookie(w, strings.TrimPrefix(p, "/setcookie/"))
	case strings.HasPrefix(p, "/once/"):
		s.serveOnce(w, r, strings.TrimPrefix(p, "/once/"))
	default:
		s.serveFile(w, r, p)
	}
}

// admit counts the request and applies the refusal faults in order:
// Fail5xx, 429, MaxConns. It reports whether the request may go on; if so
// the caller must call release.
func (s *Server) admit(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	st := &s.set
	s.stats.Requests++
	if len(s.stats.Headers) < MaxRangeLog {
		s.stats.Headers = append(s.stats.Headers, r.Header.Clone())
	}
	if rg := r.Header.Get("Range"); rg != "" {
		s.stats.Ranged++
		if len(s.stats.Ranges) < MaxRangeLog {
			s.stats.Ranges = append(s.stats.Ranges, rg)
		}
	}
	status, retry := 0, ""
	switch {
	case s.closed:
		status = http.StatusServiceUnavailable
	case st.failN > 0:
		st.failN--
		status = st.failStatus
	case st.n429 > 0:
		st.n429--
		status, retry = http.StatusTooManyRequests, st.retry429
	case st.maxInFlight > 0 && s.stats.InFlight >= st.maxInFlight:
		status, retry = st.busyStatus, st.busyRetryAfter
	}
	if status != 0 {
		s.stats.Refused++
		s.mu.Unlock()
		if retry != "" {
			w.Header().Set("Retry-After", retry)
		}
		http.Error(w, http.StatusText(status), status)
		return false
	}
	s.stats.InFlight++
	s.stats.PeakInFlight = max(s.stats.PeakInFlight, s.stats.InFlight)
	// Added under mu while not closed, so never concurrent with the Wait
	// in Close on a zero counter.
	s.handlers.Add(1)
	s.mu.Unlock()
	return true
}

func (s *Server) release() {
	s.mu.Lock()
	s.stats.InFlight--
	s.mu.Unlock()
	s.handlers.Done()
}

// serveFile answers GET and HEAD for a file, with ranges and validators,
// and hands the body to sendBody with the faults that apply.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, path string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	fs, ok := s.set.files[path]
	st := s.set // copy of the scalar knobs; maps stay shared, read under mu only
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	if !s.guard(w, r, &st) {
		return
	}
	if st.liar.Broken != BrokenNone {
		s.sendBroken(w, st.liar.Broken, fs.Size)
		return
	}

	h := w.Header()
	ct := fs.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	if fs.ContentDisposition != "" {
		h["Content-Disposition"] = []string{fs.ContentDisposition}
	}
	if fs.etag != "" {
		h.Set("ETag", fs.etag)
	}
	if fs.lastModified != "" {
		h.Set("Last-Modified", fs.lastModified)
	}
	for k, vs := range fs.Header {
		h[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}

	size := fs.Size
	total := fmt.Sprint(size)
	if st.unknownLength {
		total = "*"
	}
	rangesOK := !st.noRanges && (!st.unknownLength || st.unknownRanges)
	status, start, n := http.StatusOK, int64(0), size
	if rangesOK {
		h.Set("Accept-Ranges", "bytes")
		if rg := r.Header.Get("Range"); rg != "" && (st.liar.IgnoreIfRange || ifRangeMatches(r.Header.Get("If-Range"), fs.etag, fs.lastModified)) {
			a, b, res := parseRange(rg, size)
			switch res {
			case rangeUnsatisfiable:
				if !st.unknownLength && !st.liar.Bare416 {
					h.Set("Content-Range", "bytes */"+total)
				}
				http.Error(w, "range not satisfiable", http.StatusRequestedRangeNotSatisfiable)
				return
			case rangeOK:
				if st.liar.RangesFromZeroOnly && a > 0 {
					break // the whole file, 200, same validators
				}
				if m := st.liar.MaxRange; m > 0 && b-a+1 > m {
					b = a + m - 1
				}
				status, start, n = http.StatusPartialContent, a, b-a+1
				h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%s", a, b, total))
				if st.liar.GzipRanges && a > 0 && r.Method == http.MethodGet {
					s.sendGzipRange(w, fs, start, n)
					return
				}
				if st.liar.ShortBy > 0 {
					n = max(0, n-st.liar.ShortBy)
					h.Set("Connection", "close")
				}
			}
		}
	}
	if !st.unknownLength {
		h.Set("Content-Length", fmt.Sprint(n))
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return
	}

	plan := s.planBody(path, fs, start, n, status == http.StatusPartialContent, !st.unknownLength)
	if plan.lie > 0 {
		s.sendLie(w, r, status, plan)
		return
	}
	w.WriteHeader(status)
	rc := http.NewResponseController(w)
	if st.unknownLength {
		// Without a flush, net/http would buffer a small body and add a
		// Content-Length itself; flushing the header forces chunking.
		rc.Flush()
	}
	asked := time.Now()
	sent, err := s.sendBody(r.Context(), w, rc.Flush, plan)
	s.mu.Lock()
	if len(s.stats.Bodies) < MaxRangeLog {
		s.stats.Bodies = append(s.stats.Bodies, BodySpan{Conn: r.RemoteAddr, Range: r.Header.Get("Range"), Began: asked, Ended: time.Now(), Planned: n, Sent: sent})
	}
	s.mu.Unlock()
	switch {
	case err != nil:
		// Returning would let net/http end a chunked body cleanly and
		// make a cut-short body look whole.
		dropConn(rc, false)
	case sent < n:
		s.mu.Lock()
		s.stats.Cuts++
		s.mu.Unlock()
		dropConn(rc, plan.abortive)
	}
}
