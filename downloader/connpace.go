package downloader

import "time"

// A connection's rate since its first byte (conn.rate) is steady, which
// request sizing wants, but slow to show a connection that lost its pace.
// A connection that had been alone in TCP slow start held most of the
// bottleneck's buffer and ran at 16 MB/s, took a 4.6 MB piece near the
// end of the download by that rate, then lost its window and delivered
// it at 2 MB/s: by its lifetime rate it had a fraction of a second left,
// so no free connection split it, and it ran alone for 1.3 s after all
// others had finished. Splits are decided by the pace of its latest
// window when that is slower.

// paceWindow is how long a connection's recent rate is measured over.
const paceWindow = time.Second

// burstWindow is how long a connection's peak is measured over: about
// two round trips of a far path, so a window of slow start before the
// first loss shows, which a paceWindow averages away.
const burstWindow = 100 * time.Millisecond

// paceWin is one connection's latest measured window: the last full
// one ended where the one in progress starts.
type paceWin struct {
	at    time.Time // start of the window in progress; zero before the first byte
	bytes int64     // conn.bytes at at
	rate  float64   // bytes/s of the last full window; 0 = none yet
	// burstAt and burstBytes start the burstWindow in progress; peak is
	// the fastest full one so far (bytes/s; cutCost).
	burstAt    time.Time
	burstBytes int64
	peak       float64
}

// notePace advances c's window at now, after its bytes grew. Under t.mu.
func (c *conn) notePace(now time.Time) {
	w := &c.win
	if w.at.IsZero() {
		w.at, w.bytes = now, c.bytes
		w.burstAt, w.burstBytes = now, c.bytes
		return
	}
	if d := now.Sub(w.at); d >= paceWindow {
		w.rate = float64(c.bytes-w.bytes) / d.Seconds()
		w.at, w.bytes = now, c.bytes
	}
	if w.burstAt.IsZero() {
		// Its TCP connection was closed (forgetPeak): the next one
		// is measured anew.
		w.burstAt, w.burstBytes = now, c.bytes
	} else if d := now.Sub(w.burstAt); d >= burstWindow {
		w.peak = max(w.peak, float64(c.bytes-w.burstBytes)/d.Seconds())
		w.burstAt, w.burstBytes = now, c.bytes
	}
}

// pace is the rate (bytes/s) the scheduler expects of c: its rate since
// its first byte, or its latest window's when slower and recent (ended
// within two windows), or the window in progress when that has run a
// full window's length and is slower still (a connection that stopped
// delivering closes no window); 0 when not known.
func (c *conn) pace(now time.Time) float64 {
	rt := c.rate(now)
	if c == nil || rt <= 0 {
		return rt
	}
	w := c.win
	if w.at.IsZero() {
		return rt
	}
	d := now.Sub(w.at)
	if w.rate > 0 && d < 2*paceWindow {
		rt = min(rt, w.rate)
	}
	if d >= paceWindow {
		rt = min(rt, float64(c.bytes-w.bytes)/d.Seconds())
	}
	return rt
}

// peakPace is the fastest burstWindow of c's TCP connection (bytes/s;
// 0 = none yet or no connection).
func (c *conn) peakPace() float64 {
	if c == nil {
		return 0
	}
	return c.win.peak
}

// forgetPeak starts c's peak anew: its TCP connection was closed, and the
// next one's send buffer starts small.
func (c *conn) forgetPeak() { c.win.peak, c.win.burstAt = 0, time.Time{} }

// A run's first fraction of a second measures no connection: each is
// younger than conn.rate's look, and no piece finished at a measured
// pace (run.connRate). Until one did, the young connections' pace so far
// stands in for splits (claimLocked, earlyLocked). Unknown, the first
// request's stream counted as a fast one with its whole request in its
// buffers, so no cut of it paid: on a far path to a server that paces
// each connection at 1 MiB/s, the others finished their pieces of a
// 3 MiB file in 0.1 s and left the first request (probeSpan) to crawl
// on alone for 2 s.

// earlyPace is the pace (bytes/s) of a connection too young for
// conn.rate: what it delivered since its first byte, once that spans
// the look least (a shorter one sees its first burst only); 0 before
// then, and for a connection conn.rate measures.
func (c *conn) earlyPace(now time.Time, least time.Duration) float64 {
	if c == nil || c.first.IsZero() || c.rate(now) > 0 {
		return 0
	}
	d := now.Sub(c.first)
	if d < least {
		return 0
	}
	return float64(c.bytes) / d.Seconds()
}

// earlyPaceLocked is c.earlyPace over a round trip of the path (the
// ramp's quick look on a short one). Under t.mu.
func (r *run) earlyPaceLocked(c *conn, now time.Time) float64 {
	return c.earlyPace(now, max(r.delay.base(), r.delay.current(), rampQuickWindow))
}
