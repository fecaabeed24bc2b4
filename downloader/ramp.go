package downloader

import (
	"fmt"
	"time"
)

// ramp is slow start with a brake: connections double (1, 2, 4, …) only
// while doubling pays; slow ones (a far or throttled server) jump to
// rampFreeTo at once (jumpLocked) and double from there. A server that
// throttles each connection rewards
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
	// prevAllow is the count rate was measured at, the one a doubling
	// that did not pay returns to; backedOff: that happened, so the
	// re-probe (rampRetry) waits longer before it tries that doubling
	// again.
	prevAllow int
	backedOff bool
	retries   int // re-probes after a step back (rampRetry)
	// full: the path queued (pathFullLocked); while it still queues the
	// re-probe does not try more connections on it.
	full bool
	// jumped: when the count jumped (jumpLocked); zero = it did not.
	// young: the rate at the jumped count may still be TCP slow start's
	// (youngLocked); steadyRate is its latest window's rate meanwhile.
	jumped     time.Time
	young      bool
	steadyRate float64
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
	// rampRetryAfterBack is the wait before re-probing a count that
	// stepped back, doubled after each re-probe that stepped back too.
	rampRetryAfterBack = 8 * time.Second
	// rampRetryHorizon: with less time left than this (seconds) new
	// connections would spend it in TCP slow start.
	rampRetryHorizon = 4.0
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
	// rampFreeTo: on slow connections, an automatic count goes to this
	// count without measuring (jumpLocked; after a re-probe, doublings
	// paced by first bytes); from here each doubling must pay
	// (judgeStep), so a
	// loss-bound path keeps doubling up to the ceiling (AutoConnections)
	// and a bandwidth-bound one stops where added connections stop adding
	// throughput. Measuring from fewer connections cost a second of ramp
	// on a 50 ms lossy path (a window spans rampRTTs first-byte delays),
	// and bounded requests (reqspan.go) already keep the extra streams of
	// a bandwidth-bound path from wasting bytes.
	rampFreeTo = rampPayFrom
	// rampRTTs: a window spans this many first-byte delays, so new
	// connections are past their first round trips when it ends.
	rampRTTs = 3
	// rampPayFrom is where slow start ends for an automatic count.
	rampPayFrom = 16
	// rampSteady and rampSteadyMax: the rate at a jumped count is a
	// baseline once a window's rate is within this share of the one
	// before, or this long after the jump (youngLocked).
	rampSteady    = 0.15
	rampSteadyMax = 3 * time.Second
	// rampSteadyRTTs: a young window spans this many path delays, so a
	// burst that lasts a few round trips is not taken as steady.
	rampSteadyRTTs = 10
)

// step advances the ramp; it returns true when more connections are
// allowed. It runs on the control loop only.
func (r *run) rampStep(now time.Time) bool {
	t := r.t
	rp := &r.ramp
	received := t.received.Load()
	t.mu.Lock()
	defer t.mu.Unlock()
	if rp.done || r.refusedNow > 0 || r.learned {
		// A refusal settles the count: the server says what it takes.
		r.settleLocked(now)
		return false
	}
	if r.allowance >= r.limit && rp.rate == 0 {
		r.settleLocked(now)
		return false
	}
	if !rp.slow && t.conns > 0 && r.delay.far() {
		// A far path (pathDelay.far): every connection spends its first
		// round trips in TCP slow start, far below rampRetryPerConn, so
		// the quick look below would only confirm it a round trip or two
		// later, and the connections the jump starts would start that
		// much later.
		rp.slow = true
		if r.allowance < r.freeToLocked() {
			return r.jumpLocked(now)
		}
	}
	if rp.slow && r.allowance < r.freeToLocked() {
		// Each doubling on slow connections costs little and, against a
		// limit per connection, pays in full; pacing it by the new
		// connections' first bytes is slow start at the link's own pace.
		// Three in four delivering is proof enough: one lost SYN (a
		// second's retransmit) must not hold the others back.
		if t.conns >= delivering(r.allowance) {
			return r.doubleLocked(0)
		}
		return false
	}
	if r.pathFullLocked(now) {
		return false
	}
	// Measure only once (nearly) every allowed connection delivers; until
	// then the window keeps restarting.
	if t.conns < delivering(r.allowance) || rp.at.IsZero() {
		rp.at, rp.bytes = now, received
		return false
	}
	elapsed := now.Sub(rp.at)
	got := received - rp.bytes
	if !rp.slow && elapsed >= rampQuickWindow && got >= int64(r.allowance)*rampQuickBytes {
		if perConn := float64(got) / elapsed.Seconds() / float64(r.allowance); perConn < rampRetryPerConn {
			rp.slow = true
			if r.allowance < r.freeToLocked() {
				return r.jumpLocked(now)
			}
		}
	}
	window := rampRTTs * r.delay.base()
	if rp.young {
		window = rampSteadyRTTs * r.delay.base()
	}
	if elapsed < max(rampWindow, window) || got < int64(r.allowance)*rampBytesPerConn {
		return false
	}
	rate := float64(got) / elapsed.Seconds()
	if rp.young && r.youngLocked(now, rate) {
		rp.at = time.Time{}
		return false
	}
	switch judgeStep(rp.rate, rate, rp.weak, r.allowance >= r.limit) {
	case stepGrow:
		if r.awaitingProbeLocked(now) {
			// On a short path the rate holds steady within a few round
			// trips, before the probe could answer. The window goes on.
			return false
		}
		rp.weak = false
		return r.doubleLocked(rate)
	case stepMeasureAgain:
		rp.weak = true
		rp.at = time.Time{}
		return false
	case stepBack:
		// The doubling did not pay: return to the count that did. The
		// extra connections finish their ranges and leave (surplusLocked);
		// aborting them would throw away what they have in flight.
		r.allowance = rp.prevAllow
		rp.backedOff = true
		t.logLocked(fmt.Sprintf("More connections did not make the download faster; using %d.", r.allowance))
	}
	r.settleLocked(now)
	return false
}

// rampUntaken settles a doubling that no connection could take up, right
// after grow tried: no work paid a newcomer (or no host slot was free).
// Left open, the ramp never measured a window (too few deliver) and never
// settled, and while it is open every request leaves half its range to
// the connections it expects (spanInputs.Shared): on the bandwidth-bound
// path a re-probe at 2.7 s turned the rest of the download into 1 MB
// requests. The count returns to the one that was running.
func (r *run) rampUntaken(now time.Time) {
	t := r.t
	t.mu.Lock()
	defer t.mu.Unlock()
	rp := &r.ramp
	if rp.done || r.workers >= min(r.allowance, r.limit) {
		return
	}
	r.allowance = max(rp.prevAllow, r.workers, 1)
	r.settleLocked(now)
}

// pathFullLocked settles an automatic count when the path queues
// (pathdelay.go): the connections already fill its narrowest link, and
// more would only add delay and lost packets; a doubling on trial is
// undone. It is asked only where growth must pay (from rampPayFrom): in
// slow start the bursts of young streams queue for a moment on any path.
// A count the user pinned is taken as asked.
func (r *run) pathFullLocked(now time.Time) bool {
	if !r.auto {
		return false
	}
	r.sampleFlightLocked()
	if r.awaitingProbeLocked(now) {
		return false
	}
	if !r.delay.queueing(now) {
		return false
	}
	rp := &r.ramp
	rp.full = true
	if rp.rate > 0 && rp.prevAllow < r.allowance {
		// The path filled while a doubling was on trial: on a full
		// path it cannot pay. The extra connections finish their
		// ranges and leave (surplusLocked).
		r.allowance = rp.prevAllow
		rp.backedOff = true
	}
	r.settleLocked(now)
	r.t.logLocked(fmt.Sprintf("The connections fill the network path (answers queue); using %d.", r.allowance))
	return true
}

// freeToLocked is the count slow connections double to unmeasured: an
// automatic count earns every doubling from rampFreeTo on; a count the
// user pinned is taken as asked.
func (r *run) freeToLocked() int {
	if r.auto {
		return rampFreeTo
	}
	return r.limit
}

// delivering is how many of n connections must deliver before a window
// counts: three in four, so one lost SYN does not hold the ramp.
func delivering(n int) int { return (3*n + 3) / 4 }

func (r *run) settleLocked(now time.Time) {
	if !r.ramp.done {
		r.ramp.settledAt = now
	}
	r.ramp.done = true
}

// stepVerdict is what the ramp does after one measured window.
type stepVerdict int

const (
	stepGrow         stepVerdict = iota // double the connections
	stepMeasureAgain                    // one weak window may be noise
	stepSettle                          // keep the count
	stepBack                            // undo the last doubling
)

// judgeStep is the growth rule on one measured window: before is the
// task's rate (bytes/s) at the previous count (0 = none measured yet),
// now the rate at the current count; weak says the previous window at
// this count was already too slow; ceiling says no doubling is left.
// A doubling is kept only when it raised the rate by rampGain; otherwise
// it is measured once more and then undone.
func judgeStep(before, now float64, weak, ceiling bool) stepVerdict {
	switch {
	case before > 0 && now < rampGain*before && !weak:
		return stepMeasureAgain
	case before > 0 && now < rampGain*before:
		return stepBack
	case ceiling:
		return stepSettle
	}
	return stepGrow
}

// doubleLocked allows twice the connections and restarts the window;
// rate is the task's measured rate at the count it leaves (0 = not
// measured: slow start below rampFreeTo).
func (r *run) doubleLocked(rate float64) bool {
	r.ramp.rate, r.ramp.prevAllow, r.ramp.young = rate, r.allowance, false
	r.allowance = min(2*r.allowance, r.limit)
	r.ramp.at = time.Time{}
	return true
}

// jumpLocked takes the unmeasured part of slow start in one step: slow
// connections (a far or throttled server) go straight to the count from
// which doublings must pay (freeToLocked). Doubling there paced by first
// bytes spent a round trip per doubling, and the first connection, alone
// in TCP slow start for those round trips, took the bottleneck's buffer
// on a bandwidth-bound path: the later ones then ran at a fraction of
// its rate, and each of its request ends left a hole in the link.
// Started together, the connections share it. The doubling beyond waits
// until their rate holds steady (youngLocked).
func (r *run) jumpLocked(now time.Time) bool {
	r.ramp.rate, r.ramp.prevAllow = 0, r.allowance
	r.allowance = min(r.freeToLocked(), r.limit)
	r.ramp.at = time.Time{}
	r.ramp.jumped, r.ramp.young, r.ramp.steadyRate = now, true, 0
	return true
}

// youngLocked reports whether the window just measured at a jumped count
// (rate, bytes/s) is still too young to judge a doubling by: the
// connections all started together, and their rate only becomes the
// baseline once two windows of rampSteadyRTTs path delays in a row agree
// within rampSteady, or at the first window that ends rampSteadyMax
// after the jump. On the lossy path sixteen connections
// ran at 52 MiB/s in their first half second, five times what they hold
// after their first losses: the doubling judged against that burst did
// not pay and stepped back to sixteen, half the speed, for eight seconds.
func (r *run) youngLocked(now time.Time, rate float64) bool {
	rp := &r.ramp
	prev := rp.steadyRate
	rp.steadyRate = rate
	if now.Sub(rp.jumped) < rampSteadyMax && (prev == 0 || rate < (1-rampSteady)*prev || rate > (1+rampSteady)*prev) {
		return true
	}
	rp.young = false
	return false
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
	wait := rampRetryAfter
	if rp.backedOff {
		// A step back may have judged a window that TCP slow start or a
		// burst of loss made unrepresentative: try again, later each
		// time it fails.
		wait = rampRetryAfterBack << min(rp.retries, 4)
	}
	if !rp.done || r.learned || r.allowance >= r.limit || prevAt.IsZero() ||
		now.Sub(rp.settledAt) < wait || t.conns < 1 {
		return false
	}
	rate := float64(received-prevBytes) / now.Sub(prevAt).Seconds()
	horizon, _ := r.paceLocked(now, nil)
	if rate/float64(t.conns) >= rampRetryPerConn || horizon < rampRetryHorizon {
		return false
	}
	if rp.full {
		// A full path's queue stands. One that cleared was a moment's
		// burst (young streams in slow start, a stall on the way): on a
		// lossy path taking it for a full one held the download at 16
		// connections, half its speed, in one run of three. The queue
		// probe is asked first (queueprobe.go): it answers within a
		// second, and a doubling onto a full path costs the newcomers'
		// slow start, seconds of the whole link's rate.
		if r.awaitingProbeLocked(now) {
			r.probeBeforeLocked(now)
			return false
		}
		probed := r.delay.probed(now) > 0
		if r.delay.queueing(now) {
			if probed {
				// Measured to stand: ask again later each time.
				rp.backedOff, rp.settledAt = true, now
				rp.retries++
			}
			return false
		}
	}
	if rp.backedOff {
		rp.retries++
	}
	rp.done, rp.weak, rp.full = false, false, false
	r.doubleLocked(rate)
	return true
}
