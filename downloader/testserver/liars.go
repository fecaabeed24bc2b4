package testserver

import (
	"bufio"
	"compress/gzip"
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Liar models servers that lie, refuse or fall short in the ways real
// ones do (issue 12). The zero value is an honest server.
type Liar struct {
	// IgnoreIfRange answers a range with the current version even when
	// If-Range names an older one (RFC 9110 §13.1.5 says: send 200).
	IgnoreIfRange bool
	// RangesFromZeroOnly answers only ranges starting at 0 with 206;
	// any other range gets 200 with the whole file and the same
	// validators.
	RangesFromZeroOnly bool
	// ShortBy makes every 206 announce and send ShortBy fewer bytes
	// than its Content-Range says, then close the connection.
	ShortBy int64
	// MaxRange caps every 206 at MaxRange bytes, honestly: its
	// Content-Range and Content-Length say where it ends.
	MaxRange int64
	// Bare416 sends a 416 without Content-Range.
	Bare416 bool
	// GzipRanges sends 206 answers for ranges not starting at 0 with
	// Content-Encoding: gzip, the range's bytes compressed.
	GzipRanges bool
	// Broken breaks every file answer this way.
	Broken Broken
}

// Broken is an answer that is not usable HTTP.
type Broken int

const (
	BrokenNone         Broken = iota
	BrokenNotHTTP             // a line of text, no status line
	BrokenDoubleLength        // two different Content-Length headers
	BrokenBadLength           // Content-Length: ten
	BrokenHugeHeader          // a header over 10 MB (net/http's client limit)
)

// WithLiar sets the lies the server tells.
func WithLiar(l Liar) Option { return func(st *settings) { st.liar = l } }

// WithBasicAuth answers 401 to file requests without these credentials
// ("" user = no check).
func WithBasicAuth(user, pass string) Option {
	return func(st *settings) { st.authUser, st.authPass = user, pass }
}

// WithRequireCookie answers 403 to file requests that lack the cookie
// name=value; call it again to require more ("" name clears them all).
func WithRequireCookie(name, value string) Option {
	return func(st *settings) {
		if name == "" {
			st.cookies = nil
			return
		}
		st.cookies = append(st.cookies, [2]string{name, value})
	}
}

// SetCookiePath is a path that answers with Set-Cookie: name=value (Path
// /) and a 302 to path on the same server.
func SetCookiePath(name, value, path string) string {
	return "/setcookie/" + name + "=" + value + cleanPath(path)
}

// serveSetCookie handles "name=value/path" from /setcookie/.
func (s *Server) serveSetCookie(w http.ResponseWriter, rest string) {
	pair, path, _ := strings.Cut(rest, "/")
	name, value, _ := strings.Cut(pair, "=")
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/"})
	s.redirect(w, "/"+path)
}

// guard applies WithBasicAuth and WithRequireCookie; it reports whether
// the request may be served.
func (s *Server) guard(w http.ResponseWriter, r *http.Request, st *settings) bool {
	if st.authUser != "" {
		u, p, ok := r.BasicAuth()
		if !ok || subtle.ConstantTimeCompare([]byte(u+":"+p), []byte(st.authUser+":"+st.authPass)) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="haul"`)
			http.Error(w, "login required", http.StatusUnauthorized)
			return false
		}
	}
	for _, c := range st.cookies {
		got, err := r.Cookie(c[0])
		if err != nil || got.Value != c[1] {
			http.Error(w, "cookie "+c[0]+" required", http.StatusForbidden)
			return false
		}
	}
	return true
}

// sendBroken writes an answer net/http's client rejects, by hand on the
// hijacked connection.
func (s *Server) sendBroken(w http.ResponseWriter, b Broken, size int64) {
	_, brw, done, ok := s.hijack(w)
	if !ok {
		return
	}
	defer done()
	bw := brw.Writer
	switch b {
	case BrokenNotHTTP:
		bw.WriteString("SSH-2.0-OpenSSH_9.6 this is not HTTP\r\n\r\n")
	case BrokenDoubleLength:
		fmt.Fprintf(bw, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nContent-Length: %d\r\n\r\n", size, size+1)
	case BrokenBadLength:
		bw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n")
	case BrokenHugeHeader:
		bw.WriteString("HTTP/1.1 200 OK\r\nX-Padding: ")
		writeHuge(bw, 11<<20)
		bw.WriteString("\r\n\r\n")
	}
	bw.Flush()
}

func writeHuge(bw *bufio.Writer, n int) {
	chunk := strings.Repeat("a", 64<<10)
	for ; n > 0; n -= len(chunk) {
		if _, err := bw.WriteString(chunk); err != nil {
			return
		}
	}
}

// sendGzipRange writes bytes [start, start+n) of fs gzip-compressed, as
// a 206 of the identity representation that it is not.
func (s *Server) sendGzipRange(w http.ResponseWriter, fs *fileState, start, n int64) {
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Encoding", "gzip")
	w.WriteHeader(http.StatusPartialContent)
	gz := gzip.NewWriter(w)
	k, _ := io.Copy(gz, io.NewSectionReader(fs.Content(), start, n))
	gz.Close()
	s.mu.Lock()
	s.stats.BytesServed += k
	s.mu.Unlock()
}
