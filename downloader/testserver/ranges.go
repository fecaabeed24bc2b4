package testserver

import (
	"net/http"
	"strconv"
	"strings"
)

type rangeResult int

const (
	// rangeIgnore: not a single well-formed byte range; serve the whole
	// file, as RFC 9110 lets a server do with a Range it won't honour.
	// Multi-range requests land here too: this server never sends
	// multipart/byteranges.
	rangeIgnore rangeResult = iota
	rangeOK
	rangeUnsatisfiable
)

// parseRange reads a single "bytes=a-b", "bytes=a-" or "bytes=-n" against a
// file of size bytes and returns the inclusive span it selects.
func parseRange(h string, size int64) (start, end int64, res rangeResult) {
	unit, spec, ok := strings.Cut(strings.TrimSpace(h), "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(unit), "bytes") || strings.Contains(spec, ",") {
		return 0, 0, rangeIgnore
	}
	first, last, ok := strings.Cut(strings.TrimSpace(spec), "-")
	if !ok {
		return 0, 0, rangeIgnore
	}
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	if first == "" { // suffix: the last n bytes
		n, ok := digits(last)
		if !ok {
			return 0, 0, rangeIgnore
		}
		if n == 0 || size == 0 {
			return 0, 0, rangeUnsatisfiable
		}
		n = min(n, size)
		return size - n, size - 1, rangeOK
	}
	a, ok := digits(first)
	if !ok {
		return 0, 0, rangeIgnore
	}
	b := size - 1
	if last != "" {
		if b, ok = digits(last); !ok || b < a {
			return 0, 0, rangeIgnore
		}
	}
	if a >= size {
		return 0, 0, rangeUnsatisfiable
	}
	return a, min(b, size-1), rangeOK
}

// digits parses a non-negative decimal without sign (ParseInt alone would
// accept "+5").
func digits(s string) (int64, bool) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// ifRangeMatches reports whether a Range may be honoured given If-Range v:
// an entity tag must equal the current strong ETag (weak tags never match),
// a date must equal the current Last-Modified. A mismatch means the client
// holds an old version, so it gets the whole new one.
func ifRangeMatches(v, etag, lastModified string) bool {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return true
	case strings.HasPrefix(v, `"`):
		return etag != "" && v == etag
	case strings.HasPrefix(v, "W/"):
		return false
	}
	if lastModified == "" {
		return false
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return false
	}
	lm, err := http.ParseTime(lastModified)
	return err == nil && t.Equal(lm)
}
