package downloader

import (
	"context"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net/http"
	"time"
)

// errClass says what a failed request means for the task.
type errClass int

const (
	// classFatal: retrying cannot help (404, bad URL, TLS trust, …).
	classFatal errClass = iota
	// classNetwork: the network is down or flaky; retry forever.
	classNetwork
	// classServer: 5xx, 408, 429; retry a bounded number of times.
	classServer
	// classChanged: the remote file is not the one we started with.
	classChanged
	// classDisk: the disk is full; pause, lose nothing.
	classDisk
	// classStopped: we were asked to stop.
	classStopped
)

// untrustedCert reports a TLS verification failure: retrying cannot
// help, and the user must hear why Haul did not connect.
func untrustedCert(err error) bool {
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var certInvalid x509.CertificateInvalidError
	return errors.As(err, &unknownAuth) || errors.As(err, &hostErr) || errors.As(err, &certInvalid)
}

// classify says what a failed request means for the run (errtable.go).
func classify(err error) errClass {
	if err == nil {
		return classFatal
	}
	r := rowOf(err)
	if r.classOf != nil {
		return r.classOf(err)
	}
	return r.class
}

// refusal reports whether err is how servers say "no more connections".
func refusal(err error) bool {
	var se *StatusError
	if !errors.As(err, &se) {
		return false
	}
	return se.Code == http.StatusForbidden || se.Code == http.StatusTooManyRequests || se.Code == http.StatusServiceUnavailable
}

// expiredLink reports answers that mean a redirect target (a signed CDN
// URL) has expired; the original URL is then tried again once.
func expiredLink(err error) bool {
	var se *StatusError
	if !errors.As(err, &se) {
		return false
	}
	return se.Code == http.StatusUnauthorized || se.Code == http.StatusForbidden || se.Code == http.StatusGone
}

// backoff is the wait before attempt n (0-based): exponential from base,
// capped, with jitter in [d/2, d]. Retry-After wins when the server sent
// one.
type backoff struct {
	base, max time.Duration
}

var (
	serverBackoff  = backoff{base: 500 * time.Millisecond, max: 30 * time.Second}
	networkBackoff = backoff{base: 500 * time.Millisecond, max: 10 * time.Second}
)

func (b backoff) delay(n int, err error, now time.Time) time.Duration {
	var se *StatusError
	if errors.As(err, &se) && se.RetryAfter != "" {
		if d, ok := parseRetryAfter(se.RetryAfter, now); ok {
			return d
		}
	}
	d := b.base
	for i := 0; i < n && d < b.max; i++ {
		d *= 2
	}
	if d > b.max {
		d = b.max
	}
	return d/2 + rand.N(d/2+1)
}

// sleepCtx waits d or until ctx ends; it reports whether the wait ran out.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// backoff decides whether a failed request is retried, waits, and keeps
// the phase honest. It returns false when the error ends the run.
func (r *run) backoff(err error, attempt int) bool {
	t := r.t
	var d time.Duration
	if addr := refusedAddr(err); addr != "" {
		// One host refusing is that host's problem, not the network's:
		// said so, logged once, retried with the server's backoff.
		r.hostRefused(err)
		return sleepCtx(r.ctx, serverBackoff.delay(attempt, err, time.Now()))
	}
	switch classify(err) {
	case classNetwork:
		t.setPhaseIdle(PhaseWaitingNetwork, Sentence(err), KindNone)
		d = networkBackoff.delay(attempt, err, time.Now())
	case classServer:
		t.mu.Lock()
		// A connection limit is not a failing server: it is bounded by
		// the expired-link rule (refusal.go), which needs the time.
		if !errors.Is(err, errConnLimit) {
			r.serverFail++
		}
		n := r.serverFail
		t.mu.Unlock()
		if n > maxServerRetries {
			return false
		}
		// While other connections deliver, the task downloads: one
		// connection's retry (a connection limit, a server's hiccup)
		// is no state of the task, and only a new request's first
		// bytes would set "downloading" again.
		t.setPhaseIdle(PhaseRetrying, Sentence(err), KindNone)
		d = serverBackoff.delay(attempt, err, time.Now())
	default:
		return false
	}
	return sleepCtx(r.ctx, d)
}
