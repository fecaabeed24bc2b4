package testserver

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// RedirectPath is a path that redirects n times before serving path.
func RedirectPath(n int, path string) string {
	return fmt.Sprintf("/r/%d%s", n, cleanPath(path))
}

// SchemePath is a path that redirects to ftp://host/path, a scheme a
// downloader must refuse.
func SchemePath(path string) string { return "/scheme" + cleanPath(path) }

// ExpiringPath is a path that redirects to a fresh one-shot URL serving
// path; that URL answers 403 once used (WithExpiringUses), like a signed
// CDN link. Clients must go back to the original URL for new connections.
func ExpiringPath(path string) string { return "/expire" + cleanPath(path) }

// RedirectTo is a path that redirects to the raw Location loc.
func RedirectTo(loc string) string { return "/redirect?to=" + url.QueryEscape(loc) }

func (s *Server) redirect(w http.ResponseWriter, loc string) {
	s.mu.Lock()
	s.stats.Redirects++
	s.mu.Unlock()
	// Set directly: http.Redirect would rewrite the target.
	w.Header().Set("Location", loc)
	w.WriteHeader(http.StatusFound)
}

// serveHops handles "N/path" from /r/N/path.
func (s *Server) serveHops(w http.ResponseWriter, r *http.Request, rest string) {
	num, path, _ := strings.Cut(rest, "/")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		http.NotFound(w, r)
		return
	}
	switch n {
	case 0:
		s.serveFile(w, r, "/"+path)
	case 1:
		s.redirect(w, "/"+path)
	default:
		s.redirect(w, RedirectPath(n-1, path))
	}
}

func (s *Server) serveExpire(w http.ResponseWriter, path string) {
	s.mu.Lock()
	s.tokenSeq++
	tok := strconv.FormatUint(s.tokenSeq, 36)
	s.tokens[tok] = s.set.expiringUses
	s.mu.Unlock()
	s.redirect(w, "/once/"+tok+"/"+path)
}

// serveOnce handles "token/path" from /once/token/path.
func (s *Server) serveOnce(w http.ResponseWriter, r *http.Request, rest string) {
	tok, path, _ := strings.Cut(rest, "/")
	s.mu.Lock()
	left, ok := s.tokens[tok]
	if ok && left > 0 {
		s.tokens[tok] = left - 1
	}
	s.mu.Unlock()
	if !ok || left <= 0 {
		http.Error(w, "link expired", http.StatusForbidden)
		return
	}
	s.serveFile(w, r, "/"+path)
}
