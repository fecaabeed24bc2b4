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
	done  bool      // the count settled
}

const (
	// rampWindow is the shortest measurement; the window also spans a few
	// first-byte delays, so it covers a round trip on slow links.
	rampWindow = 30 * time.Millisecond
	rampTick   = 10 * time.Millisecond
	// rampGain is how much faster a doubling must make the task to try
	// the next one.
	rampGain = 1.25
	// rampBytesPerConn is what each connection must deliver, on average,
	// inside a window: servers that pace in bursts would otherwise make a
	// short window look empty and stop the ramp too early.
	rampBytesPerConn = 64 << 10
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
		rp.done = true
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
	if elapsed < max(rampWindow, 3*r.firstByte) || got < int64(r.allowance)*rampBytesPerConn {
		return false
	}
	rate := float64(got) / elapsed.Seconds()
	if rp.rate > 0 && rate < rampGain*rp.rate {
		// One weak window may be noise: measure once more before settling.
		if rp.weak {
			rp.done = true
			return false
		}
		rp.weak = true
		rp.at = time.Time{}
		return false
	}
	rp.weak = false
	rp.rate = rate
	r.allowance = min(2*r.allowance, r.limit)
	rp.at = time.Time{}
	return true
}
