package downloader

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// errContentRange is wrapped by parseContentRange's errors; a malformed
// header means we cannot trust where the body's bytes belong.
var errContentRange = errors.New("invalid Content-Range")

// parseContentRange parses a byte Content-Range header (RFC 9110 §14.4):
//
//	"bytes 0-99/1000" → 0, 99, 1000 (end inclusive)
//	"bytes 0-99/*"    → 0, 99, -1   (total unknown)
//	"bytes */1000"    → -1, -1, 1000 (a 416's unsatisfied range)
//
// It is strict because the answer decides where bytes are written:
// anything but plain decimal digits, end before start, end at or past the
// total, or values overflowing int64 are errors.
func parseContentRange(s string) (start, end, total int64, err error) {
	fail := func(why string) (int64, int64, int64, error) {
		return 0, 0, 0, fmt.Errorf("%w %q: %s", errContentRange, truncForError(s), why)
	}
	v := strings.Trim(s, " \t")
	unit, rest, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(unit, "bytes") {
		return fail(`not in "bytes" units`)
	}
	rest = strings.TrimLeft(rest, " ")
	rng, size, ok := strings.Cut(rest, "/")
	if !ok {
		return fail("missing /")
	}
	if size == "*" {
		total = -1
	} else if total, ok = parseDigits(size); !ok {
		return fail("bad total")
	}
	if rng == "*" {
		if total < 0 {
			return fail("no range and no total")
		}
		return -1, -1, total, nil
	}
	a, b, ok := strings.Cut(rng, "-")
	if !ok {
		return fail("missing -")
	}
	if start, ok = parseDigits(a); !ok {
		return fail("bad start")
	}
	if end, ok = parseDigits(b); !ok {
		return fail("bad end")
	}
	if end < start {
		return fail("end before start")
	}
	if total >= 0 && end >= total {
		return fail("end past total")
	}
	return start, end, total, nil
}

// parseDigits parses a non-empty run of ASCII digits into a non-negative
// int64. strconv.ParseInt would also take signs, which are not allowed
// here.
func parseDigits(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if n > (1<<63-1-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// maxRetryAfter caps how long a server may make us wait; beyond that the
// user is better served by the normal retry schedule or a visible error.
const maxRetryAfter = time.Hour

// parseRetryAfter reads a Retry-After value, either delay-seconds or an
// HTTP-date relative to now, and clamps it to [0, 1h]. ok is false when v
// is empty or neither form.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	// Every HTTP-date form starts with a day name, so a digit means seconds.
	if v[0] >= '0' && v[0] <= '9' {
		n, ok := parseDigits(v)
		if !ok {
			if strings.Trim(v, "0123456789") == "" {
				// All digits but too long for int64: a very long wait.
				return maxRetryAfter, true
			}
			return 0, false
		}
		if n >= int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	return min(max(d, 0), maxRetryAfter), true
}
