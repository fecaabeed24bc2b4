package downloader

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// A straggler is a connection far slower than the task's others. However
// its range is split, it holds one of the host's connection slots at a
// fraction of the pace, and the pieces it keeps arrive last. A fresh
// request often lands on a better path or server (another CDN node, a
// less congested route), so the range is asked for again.
const (
	// stragglerRatio: slower than the median connection by this factor.
	stragglerRatio = 4
	// stragglerAge: measured for at least this long, so TCP slow start
	// and a burst of loss on a young connection do not count.
	stragglerAge = time.Second
	// stragglerLeft: seconds of work left at its pace; below that the
	// tail splits take the range over anyway.
	stragglerLeft = 2.0
	// stragglerTries bounds the fresh requests per range: a server that
	// is slow for that range on every connection keeps the last one.
	stragglerTries = 2
	// stragglerPeers: fewer measured connections give no median to
	// compare against; the pace of finished pieces stands in.
	stragglerPeers = 4
	// stragglerQueueRTT: a path's queue spares its stragglers only on a
	// round trip at least this long.
	stragglerQueueRTT = 5 * time.Millisecond
)

// errStraggler ends a straggler's request; its worker asks again at once.
var errStraggler = errors.New("connection much slower than the others")

// replaceStragglers runs on the control loop's checkpoint tick.
func (r *run) replaceStragglers(now time.Time) {
	t := r.t
	t.mu.Lock()
	defer t.mu.Unlock()
	rates := make([]float64, 0, len(t.pieces))
	for _, p := range t.pieces {
		if rt := p.conn.rate(now); rt > 0 {
			rates = append(rates, rt)
		}
	}
	// The pace to compare with: the median of the busy connections, or at
	// the end of a download, when most have finished, what connections
	// ran at when they finished their pieces (run.connRate). The last
	// range's connection, crawling on a bad route, was otherwise never
	// replaced: on the lossy path one ran at 50-100 KB/s for 6 s after
	// every other range was done, and its request, to the range's end,
	// could only be cut, which the run's cut budget no longer allowed.
	var median float64
	switch {
	case len(rates) >= stragglerPeers:
		slices.Sort(rates)
		median = rates[len(rates)/2]
	case r.connRate > 0:
		median = r.connRate
	default:
		return
	}
	if r.ramp.full || r.delay.base() >= stragglerQueueRTT && r.delay.queueing(now) {
		// The path is full (pathdelay.go): its connections share one
		// bottleneck, unevenly as TCP does, and a fresh request would
		// start over from slow start behind the same queue. (On a
		// loopback or LAN of a millisecond, a busy machine's scheduling
		// looks like a queue; there a fresh request costs nothing.)
		return
	}
	if median >= rampRetryPerConn {
		// At this pace per connection the machine (CPU, disk) sets the
		// speed, not the path: a fresh request would change nothing.
		return
	}
	for _, p := range t.pieces {
		c := p.conn
		if c == nil || c.abort == nil || p.retries >= stragglerTries || now.Sub(c.first) < stragglerAge {
			continue
		}
		rt := c.rate(now)
		if rt <= 0 || rt*stragglerRatio > median {
			continue
		}
		if rem := p.remaining(); rem < 0 || float64(rem)/rt < stragglerLeft {
			continue
		}
		p.retries++
		c.abort(errStraggler)
		c.abort = nil
		t.logLocked(fmt.Sprintf("A connection ran at %s/s, under a quarter of the others' pace; asked for its range again.", FormatBytes(int64(rt))))
	}
}
