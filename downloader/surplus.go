package downloader

import (
	"cmp"
	"errors"
	"slices"
	"time"
)

// errSurplus ends a connection above the task's connection cap after the
// cap was lowered (SetOptions); its worker leaves, and its range goes to
// the connections that stay.
var errSurplus = errors.New("connection above the task's lowered connection limit")

// shedSurplusLocked closes the connections above r.limit, slowest first,
// so lowering a task's connections takes effect at once rather than as
// ranges finish. Connections between requests (backing off) are counted
// but cannot be aborted; they find no work when they come back
// (surplusLocked). The caller holds t.mu.
func (r *run) shedSurplusLocked() {
	extra := r.workers - r.limit
	if extra <= 0 {
		return
	}
	now := time.Now()
	var busy []*conn
	for _, p := range r.t.pieces {
		if c := p.conn; c != nil && c.abort != nil {
			busy = append(busy, c)
		}
	}
	slices.SortFunc(busy, func(a, b *conn) int { return cmp.Compare(a.rate(now), b.rate(now)) })
	for _, c := range busy[:min(extra, len(busy))] {
		c.abort(errSurplus)
		c.abort = nil
	}
}

// surplusLocked tells a worker looking for more work that the task has
// more connections than its cap, or than the ramp allows after a step
// back (a doubling that did not pay): it should leave instead. The
// caller holds t.mu.
func (r *run) surplusLocked() bool { return r.workers > min(r.limit, r.allowance) }
