package downloader

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// PhaseWaitingLink is the phase of a paused task whose link expired: it
// waits for the user (or the browser) to give a fresh link (ChangeURL).
const PhaseWaitingLink Phase = "waiting for a fresh link"

// signedExpiry reads the expiry a signed URL carries in its query:
// S3 / SigV4 (X-Amz-Date + X-Amz-Expires seconds), Google Cloud Storage
// V4 (X-Goog-Date + X-Goog-Expires), CloudFront and S3 SigV2 (Expires,
// Unix seconds), and Azure SAS (se, RFC 3339). ok is false when the URL
// carries none of these.
func signedExpiry(u *url.URL) (time.Time, bool) {
	q := u.Query()
	for _, p := range []string{"X-Amz", "X-Goog"} {
		date, secs := q.Get(p+"-Date"), q.Get(p+"-Expires")
		if date == "" || secs == "" {
			continue
		}
		t, err := time.Parse("20060102T150405Z", date)
		n, nerr := strconv.ParseInt(secs, 10, 64)
		if err == nil && nerr == nil && n >= 0 {
			return t.Add(time.Duration(n) * time.Second), true
		}
	}
	if v := q.Get("Expires"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			return time.Unix(n, 0), true
		}
	}
	if v := q.Get("se"); v != "" && q.Get("sig") != "" {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t, true
		}
		if t, err := time.Parse("2006-01-02", v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// signedLinkExpired reports whether raw is a signed URL past its expiry
// at now: a refusal of it means the link expired even before any byte.
func signedLinkExpired(raw string, now time.Time) bool {
	u, err := url.Parse(raw)
	if err != nil || !strings.HasPrefix(u.Scheme, "http") {
		return false
	}
	exp, ok := signedExpiry(u)
	return ok && !now.Before(exp)
}

// expiredSigned turns a refusal (401, 403, 410) of a signed link past its
// expiry into ErrLinkExpired: the task waits for a fresh link. Any other
// error is returned as it is.
func (t *task) expiredSigned(raw string, err error) error {
	if expiredLink(err) && signedLinkExpired(raw, t.m.clock.Now()) {
		return fmt.Errorf("%w: %w", ErrLinkExpired, err)
	}
	return err
}
