package downloader

import (
	"testing"
	"time"
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
	cases := []struct {
		name    string
		tput    func(int) float64
		limit   int
		auto    bool
		refuse  int // the server refuses connections above this; 0 = never
		want    int // connections in use at the end
		backOff bool
	}{
		{"loss-bound: every doubling pays, up to the automatic ceiling", lossBound, AutoConnections, true, 0, AutoConnections, false},
		{"per-connection throttle: grows to the ceiling", throttled, AutoConnections, true, 0, AutoConnections, false},
		{"bandwidth-bound: stops and steps back where more did not pay", pipe, AutoConnections, true, 0, rampPayFrom, true},
		{"fast local link: one stream stays one", local, AutoConnections, true, 0, 1, true},
		{"never above a learned refusal", lossBound, AutoConnections, true, 12, 12, false},
		{"pinned count: slow start to the number asked", lossBound, 16, false, 0, 16, false},
		{"pinned 64 on a bandwidth-bound path still goes by first bytes", pipe, 64, false, 0, 64, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tk := &task{}
			r := &run{t: tk, allowance: 1, limit: c.limit, auto: c.auto, firstByte: time.Millisecond}
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
