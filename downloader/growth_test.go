package downloader

import (
	"testing"
	"time"

	"haul/downloader/testserver"
)

// TestJudgeStep is the growth rule on one measured window.
func TestJudgeStep(t *testing.T) {
	cases := []struct {
		name          string
		before, now   float64
		weak, ceiling bool
		want          stepVerdict
	}{
		{"first measurement grows", 0, 10, false, false, stepGrow},
		{"first measurement at the ceiling settles", 0, 10, false, true, stepSettle},
		{"a doubling that paid grows again", 10, 13, false, false, stepGrow},
		{"a doubling that paid at the ceiling settles", 10, 20, false, true, stepSettle},
		{"a doubling that did not pay is measured again", 10, 12, false, false, stepMeasureAgain},
		{"twice unpaid steps back", 10, 12, true, false, stepBack},
		{"unpaid at the ceiling steps back too", 10, 11, true, true, stepBack},
		{"a slower window after a doubling steps back", 10, 6, true, false, stepBack},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := judgeStep(c.before, c.now, c.weak, c.ceiling); got != c.want {
				t.Fatalf("judgeStep(%v, %v, %v, %v) = %v, want %v", c.before, c.now, c.weak, c.ceiling, got, c.want)
			}
		})
	}
}

// TestRampGrowth drives the ramp on a simulated clock against a model of
// the path: throughput as a function of the connections delivering, and a
// server that refuses connections above a count. Every connection the
// ramp allows delivers at once (first bytes are not the subject here).
func TestRampGrowth(t *testing.T) {
	const MB = 1e6
	lossBound := func(n int) float64 { return float64(n) * 0.5 * MB }      // each stream loss-bound
	pipe := func(n int) float64 { return min(float64(n)*2*MB, 12*MB) }     // full at 6 streams
	local := func(int) float64 { return 900 * MB }                         // one stream takes all
	throttled := func(n int) float64 { return float64(n) * 2 * (1 << 20) } // 2 MiB/s per connection
	// queues: the pipe's buffer fills once the streams offer more than it
	// carries (pipe is full at 6), and every answer waits another 50 ms.
	queues := func(n int) time.Duration {
		if float64(n)*2*MB > 12*MB {
			return 100 * time.Millisecond
		}
		return 50 * time.Millisecond
	}
	flat := func(int) time.Duration { return 50 * time.Millisecond }
	// queuesLate: the buffer shows only once 32 streams offer to it.
	queuesLate := func(n int) time.Duration {
		if n > rampPayFrom {
			return 100 * time.Millisecond
		}
		return 50 * time.Millisecond
	}
	cases := []struct {
		name    string
		tput    func(int) float64
		limit   int
		auto    bool
		refuse  int // the server refuses connections above this; 0 = never
		want    int // connections in use at the end
		backOff bool
		// delay is the request-to-first-byte delay at n connections;
		// nil: a round trip that never grows.
		delay func(n int) time.Duration
	}{
		{"loss-bound: every doubling pays, up to the automatic ceiling", lossBound, AutoConnections, true, 0, AutoConnections, false, nil},
		{"per-connection throttle: grows to the ceiling", throttled, AutoConnections, true, 0, AutoConnections, false, nil},
		{"bandwidth-bound: stops and steps back where more did not pay", pipe, AutoConnections, true, 0, rampPayFrom, true, nil},
		{"fast local link: one stream stays one", local, AutoConnections, true, 0, 1, true, nil},
		{"never above a learned refusal", lossBound, AutoConnections, true, 12, 12, false, nil},
		{"pinned count: slow start to the number asked", lossBound, 16, false, 0, 16, false, nil},
		{"pinned 64 on a bandwidth-bound path still goes by first bytes", pipe, 64, false, 0, 64, false, nil},
		{"bandwidth-bound, answers queue: slow start to 16, no further", pipe, AutoConnections, true, 0, rampPayFrom, false, queues},
		{"bandwidth-bound, the queue shows late: the doubling on trial is undone", pipe, AutoConnections, true, 0, rampPayFrom, true, queuesLate},
		{"loss-bound, answers never queue: up to the automatic ceiling", lossBound, AutoConnections, true, 0, AutoConnections, false, flat},
		{"pinned 64, answers queue: the count asked for", pipe, 64, false, 0, 64, false, queues},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tk := &task{}
			r := &run{t: tk, allowance: 1, limit: c.limit, auto: c.auto}
			if c.delay == nil {
				r.delay.first.min = time.Millisecond // the round trip, for the windows
			}
			now := time.Unix(0, 0)
			var received float64
			peak := 0
			for range 2000 { // 20 s of 10 ms ticks
				inUse := min(r.allowance, r.limit)
				if c.refuse > 0 && inUse > c.refuse && !r.learned {
					// What refused() does when the server turns one away.
					r.limit, r.learned = c.refuse, true
					inUse = c.refuse
				}
				if r.learned {
					peak = max(peak, inUse)
				}
				tk.conns = inUse
				if c.delay != nil {
					// Each connection's latest answer is one sample.
					for range min(inUse, delaySamples) {
						r.delay.add(c.delay(inUse))
					}
				}
				received += c.tput(inUse) * rampTick.Seconds()
				tk.received.Store(int64(received))
				now = now.Add(rampTick)
				r.rampStep(now)
			}
			got := min(r.allowance, r.limit)
			if got != c.want || !r.ramp.done || r.ramp.backedOff != c.backOff {
				t.Fatalf("ended with %d connections (done %v, stepped back %v), want %d (stepped back %v)",
					got, r.ramp.done, r.ramp.backedOff, c.want, c.backOff)
			}
			if c.refuse > 0 && peak > c.refuse {
				t.Fatalf("used %d connections after the server refused above %d", peak, c.refuse)
			}
		})
	}
}

// TestRampRetry: a settled count is re-probed with one more doubling when
// each connection is slow and time is left; after a step back only
// later, and later again after each re-probe; never on a full path, with
// little time left or on fast connections.
func TestRampRetry(t *testing.T) {
	const MiB = 1 << 20
	cases := []struct {
		name      string
		ramp      ramp
		perConn   float64 // bytes/s of each of the 16 connections
		left      int64   // bytes left in the task
		settled   time.Duration
		wantRetry bool
		delayMs   float64 // the recent request-to-first-byte delays after a shortest of 50 ms; 0 = none
	}{
		{"settled below the cap, slow connections", ramp{done: true}, 0.5 * MiB, 256 * MiB, 3 * time.Second, true, 0},
		{"settled a moment ago", ramp{done: true}, 0.5 * MiB, 256 * MiB, time.Second, false, 0},
		{"stepped back: not after the usual wait", ramp{done: true, backedOff: true}, 0.5 * MiB, 256 * MiB, 3 * time.Second, false, 0},
		{"stepped back: after rampRetryAfterBack", ramp{done: true, backedOff: true}, 0.5 * MiB, 256 * MiB, rampRetryAfterBack + time.Second, true, 0},
		{"stepped back twice: the wait doubles", ramp{done: true, backedOff: true, retries: 1}, 0.5 * MiB, 256 * MiB, rampRetryAfterBack + time.Second, false, 0},
		{"stepped back twice, waited long enough", ramp{done: true, backedOff: true, retries: 1}, 0.5 * MiB, 256 * MiB, 2*rampRetryAfterBack + time.Second, true, 0},
		{"the path queues", ramp{done: true, full: true}, 0.5 * MiB, 256 * MiB, time.Minute, false, 100},
		{"the path queued for a moment only", ramp{done: true, full: true}, 0.5 * MiB, 256 * MiB, 3 * time.Second, true, 50},
		{"fast connections: the machine sets the pace", ramp{done: true}, 40 * MiB, 4 << 30, time.Minute, false, 0},
		{"little time left", ramp{done: true}, 0.5 * MiB, 8 * MiB, time.Minute, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			now := time.Unix(1000, 0)
			tk := &task{conns: 16}
			p := &piece{Segment: Segment{Start: 0, End: c.left}, conn: newConn()}
			p.conn.first, p.conn.bytes = now.Add(-10*time.Second), int64(160*c.perConn)
			tk.pieces = []*piece{p}
			r := &run{t: tk, allowance: 16, limit: AutoConnections, auto: true, ramp: c.ramp}
			if c.delayMs > 0 {
				r.delay.add(50 * time.Millisecond)
				for range delaySamples {
					r.delay.add(time.Duration(c.delayMs * float64(time.Millisecond)))
				}
			}
			r.ramp.settledAt = now.Add(-c.settled)
			r.ramp.lastAt = now.Add(-time.Second)
			tk.received.Store(int64(16 * c.perConn))
			if got := r.rampRetry(now); got != c.wantRetry {
				t.Fatalf("rampRetry = %v, want %v", got, c.wantRetry)
			}
			if c.wantRetry && r.allowance != 32 {
				t.Fatalf("allowance after the re-probe = %d, want 32", r.allowance)
			}
		})
	}
}

// TestRampFarPathJumps: on a far path (its TCP handshake and first
// byte tens of milliseconds) the count jumps at the first connection's
// first bytes; on a near one, a lost SYN's slow handshake included, it
// waits for the quick look at the connections' pace.
func TestRampFarPathJumps(t *testing.T) {
	cases := []struct {
		name        string
		dial, first time.Duration
		auto        bool
		limit       int
		want        int
		jumped      bool
	}{
		{"far, automatic", 50 * time.Millisecond, 51 * time.Millisecond, true, AutoConnections, rampFreeTo, true},
		{"far, pinned at 8", 50 * time.Millisecond, 51 * time.Millisecond, false, 8, 8, true},
		{"near", 300 * time.Microsecond, 400 * time.Microsecond, true, AutoConnections, 1, false},
		{"near, its first SYN lost", time.Second, 400 * time.Microsecond, true, AutoConnections, 1, false},
		{"not timed", 0, 0, true, AutoConnections, 1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			now := time.Unix(1000, 0)
			tk := &task{conns: 1}
			r := &run{t: tk, allowance: 1, limit: c.limit, auto: c.auto}
			r.delay.addDial(c.dial)
			r.delay.add(c.first)
			tk.received.Store(4 << 10)
			grew := r.rampStep(now)
			if grew != c.jumped || r.allowance != c.want || r.ramp.slow != c.jumped {
				t.Fatalf("grew %v, allowance %d, slow %v; want %v, %d", grew, r.allowance, r.ramp.slow, c.jumped, c.want)
			}
		})
	}
}

// TestRampGrowsFastConnections: connections too fast to count as slow
// (rampRetryPerConn) still double while each doubling pays. Below
// rampPayFrom the queue probe never runs, and a ramp that waited for its
// verdict there kept such a download on one connection to its end.
func TestRampGrowsFastConnections(t *testing.T) {
	const MiB = 1 << 20
	for _, c := range []struct {
		name    string
		perConn int64 // bytes/s the server allows each connection
	}{
		{"a server that paces each connection at 24 MiB/s", 24 * MiB},
		{"at 40 MiB/s", 40 * MiB},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := testserver.File{Size: 96 * MiB, Seed: 17}
			srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(c.perConn))
			defer srv.Close()
			m := openTest(t, newMemStore(), t.TempDir(), nil)
			id := ftAdd(t, m, Request{URL: srv.URL("/f.bin")})
			s := ftEnd(t, m, id)
			ftWantFile(t, s, f)
			if peak := srv.Stats().PeakInFlight; peak < 2 {
				t.Fatalf("the download ran on %d connection(s) at a server that paces each; log %q", peak, ftLog(s))
			}
		})
	}
}
