package downloader

import "time"

// ramp is slow start with a brake: connections double (1, 2, 4, …) only
// while doubling pays. A server that throttles each connection rewards
// every doubling and the task climbs to its cap; a fast local link, where
// one stream already takes all the CPU or disk can give, stops at a few
// connections instead of burning cycles on sixteen.
type ramp struct {
	at    time.Time // start of the current measurement window
	bytes int64     // task bytes received at the start of the window
	rate  float64   // rate measured with the previous connection count
	weak  bool      // the last doubling looked unpaid; measuring again
	// slow: connections deliver far below rampRetryPerConn, so the server
	// or the path limits each one; doublings then need no measurement.
	slow bool
	done bool // the count settled
	// settledAt and lastBytes drive the re-probe: a ramp that settled on a
	// slow link tries another doubling now and then.
	settledAt time.Time
	lastBytes int64
	lastAt    time.Time
}

const (
	// rampWindow is the shortest measurement; the window also spans a few
	// first-byte delays, so it covers a round trip on slow links.
	rampWindow = 30 * time.Millisecond
	rampTick   = 10 * time.Millisecond
	// rampGain is how much faster a doubling must make the task to try
	// the next one.
	rampGain = 1.25
	// rampRetryAfter is how long a settled ramp waits before trying one
	// more doubling, when each connection is slow enough that a server
	// limit per connection is likely (below rampRetryPerConn).
	rampRetryAfter   = 2 * time.Second
	rampRetryPerConn = 16 << 20
	// rampBytesPerConn is what each connection must deliver, on average,
	// inside a window: servers that pace in bursts would otherwise make a
	// short window look empty and stop the ramp too early.
	rampBytesPerConn = 64 << 10
	// rampQuickWindow and rampQuickBytes are the short look that tells a
	// slow connection from a fast one: the two are orders of magnitude
	// apart (a throttled or wide-area stream against a local one), so a
	// brief sample decides it.
	rampQuickWindow = 15 * time.Millisecond
	rampQuickBytes  = 16 << 10
)

// step advances the ramp; it returns true when more connections are
// allowed. It runs on the control loop only.
func (r *run) rampStep(now time.Time) bool {
	t := r.t
	rp := &r.ramp
	received := t.received.Load()
	t.mu.Lock()
	defer t.mu.Unlock()
	if rp.done || r.allowance >= r.limit {
		if !rp.done {
			rp.settledAt = now
		}
		rp.done = true
		return false
	}
	if rp.slow {
		// Each doubling on slow connections costs little and, against a
		// limit per connection, pays in full; pacing it by the new
		// connections' first bytes is slow start at the link's own pace.
		// Three in four delivering is proof enough: one lost SYN (a
		// second's retransmit) must not hold the others back.
		if t.conns >= (3*r.allowance+3)/4 {
			return r.doubleLocked()
		}
		return false
	}
	// Measure only once every allowed connection delivers; until then the
	// window keeps restarting.
	if t.conns < r.allowance || rp.at.IsZero() {
		rp.at, rp.bytes = now, received
		return false
	}
	elapsed := now.Sub(rp.at)
	got := received - rp.bytes
	if elapsed >= rampQuickWindow && got >= int64(r.allowance)*rampQuickBytes {
		if perConn := float64(got) / elapsed.Seconds() / float64(r.allowance); perConn < rampRetryPerConn {
			rp.slow = true
			return r.doubleLocked()
		}
	}
	if elapsed < max(rampWindow, 3*r.firstByte) || got < int64(r.allowance)*rampBytesPerConn {
		return false
	}
	rate := float64(got) / elapsed.Seconds()
	if rp.rate > 0 && rate < rampGain*rp.rate {
		// One weak window may be noise: measure once more before settling.
		if rp.weak {
			rp.done = true
			rp.settledAt = now
			return false
		}
		rp.weak = true
		rp.at = time.Time{}
		return false
	}
	rp.weak = false
	rp.rate = rate
	return r.doubleLocked()
}

// doubleLocked allows twice the connections and restarts the window.
func (r *run) doubleLocked() bool {
	r.allowance = min(2*r.allowance, r.limit)
	r.ramp.at = time.Time{}
	return true
}

// rampRetry runs once a second on the control loop. It measures the
// task's rate and, when the ramp settled a while ago below the cap and
// each connection is slow (a server limit per connection, or a long fat
// link where one stream cannot fill the pipe), re-arms the ramp with one
// more doubling. It returns true when it did. A fast local link never
// qualifies, so it keeps its few connections.
func (r *run) rampRetry(now time.Time) bool {
	t := r.t
	rp := &r.ramp
	received := t.received.Load()
	t.mu.Lock()
	defer t.mu.Unlock()
	prevBytes, prevAt := rp.lastBytes, rp.lastAt
	rp.lastBytes, rp.lastAt = received, now
	if !rp.done || r.learned || r.allowance >= r.limit || prevAt.IsZero() ||
		now.Sub(rp.settledAt) < rampRetryAfter || t.conns < 1 {
		return false
	}
	rate := float64(received-prevBytes) / now.Sub(prevAt).Seconds()
	if rate/float64(t.conns) >= rampRetryPerConn {
		return false
	}
	rp.done, rp.weak = false, false
	rp.rate = rate
	rp.at = time.Time{}
	r.allowance = min(2*r.allowance, r.limit)
	return true
}
