package downloader

import (
	"testing"
	"time"
)

// TestRampStep drives slow start one tick at a time with the counters a
// download would show.
func TestRampStep(t *testing.T) {
	const MiB = 1 << 20
	now := time.Now()
	cases := []struct {
		name      string
		ramp      ramp
		allowance int
		conns     int
		received  int64 // bytes since the window opened
		elapsed   time.Duration
		rtt       time.Duration
		want      bool
		wantAllow int
		wantSlow  bool
	}{
		{"slow link: three in four delivering grow the count up to the cap", ramp{slow: true}, 8, 6, 0, 0, 0, true, 16, true},
		{"slow link: slow start doubles per step", ramp{slow: true}, 2, 2, 0, 0, 0, true, 4, true},
		{"slow link: fewer wait for their first bytes", ramp{slow: true}, 8, 5, 0, 0, 0, false, 8, true},
		{"a short look finds a throttled stream: the unmeasured part of slow start at once", ramp{}, 1, 1, 64 << 10, 20 * time.Millisecond, time.Millisecond, true, 16, true},
		{"a fast stream is measured, not taken as slow", ramp{}, 2, 2, 40 * MiB, 20 * time.Millisecond, time.Millisecond, false, 2, false},
		{"a fast doubling that paid doubles again", ramp{rate: 500 * MiB}, 2, 2, 40 * MiB, 40 * time.Millisecond, time.Millisecond, true, 4, false},
		{"a fast doubling that did not pay is measured once more", ramp{rate: 1000 * MiB}, 2, 2, 40 * MiB, 40 * time.Millisecond, time.Millisecond, false, 2, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tk := &task{conns: c.conns}
			r := &run{t: tk, allowance: c.allowance, limit: 16, ramp: c.ramp, delay: pathDelay{first: delayRing{min: c.rtt}}}
			if c.elapsed > 0 {
				r.ramp.at = now.Add(-c.elapsed)
			}
			tk.received.Store(c.received)
			if got := r.rampStep(now); got != c.want {
				t.Fatalf("rampStep = %v, want %v", got, c.want)
			}
			if r.allowance != c.wantAllow || r.ramp.slow != c.wantSlow {
				t.Fatalf("allowance %d slow %v, want %d %v", r.allowance, r.ramp.slow, c.wantAllow, c.wantSlow)
			}
		})
	}
}

// TestRampUntaken: a doubling no connection took up is settled back to
// the count running; one that was taken up stays on trial.
func TestRampUntaken(t *testing.T) {
	cases := []struct {
		name      string
		workers   int
		wantAllow int
		wantDone  bool
	}{
		{"no newcomer found paying work", 16, 16, true},
		{"some took it up: the count running", 20, 20, true},
		{"all took it up: on trial", 32, 32, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &run{t: &task{}, allowance: 16, limit: AutoConnections, auto: true, workers: c.workers}
			r.doubleLocked(40 << 20)
			r.rampUntaken(time.Now())
			if r.allowance != c.wantAllow || r.ramp.done != c.wantDone {
				t.Fatalf("allowance %d done %v, want %d %v", r.allowance, r.ramp.done, c.wantAllow, c.wantDone)
			}
		})
	}
}

// TestRampAfterJump: after slow connections jump to rampPayFrom, the
// doubling beyond waits until the rate at that count holds steady over
// windows of rampSteadyRTTs path delays (their TCP slow start is over),
// or rampSteadyMax; the steady rate is its baseline. A queue seen
// meanwhile keeps the count, and never undoes the jump.
func TestRampAfterJump(t *testing.T) {
	const MiB = 1 << 20
	const rtt = 50 * time.Millisecond
	cases := []struct {
		name      string
		since     time.Duration // from the jump to this window's end
		last      float64       // the previous window's rate at this count; 0 = none
		window    float64       // this window's rate
		queue     bool          // the connections in flight report a queue
		want      bool
		wantAllow int
		wantBase  float64 // the baseline the doubling keeps (ramp.rate)
		rtts      int     // the window's length in path delays
	}{
		{"a young window shorter than rampSteadyRTTs: not judged", 2 * time.Second, 10 * MiB, 10 * MiB, false, false, rampPayFrom, 0, rampRTTs},
		{"the first window after the jump: measured again", rampSteadyRTTs * rtt, 0, 52 * MiB, false, false, rampPayFrom, 0, rampSteadyRTTs},
		{"slow start's burst fading: measured again", time.Second, 52 * MiB, 30 * MiB, false, false, rampPayFrom, 0, rampSteadyRTTs},
		{"still climbing: measured again", time.Second, 20 * MiB, 30 * MiB, false, false, rampPayFrom, 0, rampSteadyRTTs},
		{"steady: doubles, with this rate as its baseline", 1500 * time.Millisecond, 11 * MiB, 10 * MiB, false, true, 2 * rampPayFrom, 10 * MiB, rampSteadyRTTs},
		{"never steady: judged after rampSteadyMax", rampSteadyMax, 20 * MiB, 10 * MiB, false, true, 2 * rampPayFrom, 10 * MiB, rampSteadyRTTs},
		{"the path queues: the count stays, the jump is kept", time.Second, 52 * MiB, 30 * MiB, true, false, rampPayFrom, 0, rampSteadyRTTs},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			now := time.Now()
			tk := &task{conns: rampPayFrom}
			r := &run{t: tk, allowance: 1, limit: AutoConnections, auto: true, delay: pathDelay{first: delayRing{min: rtt}}}
			r.ramp.slow = true
			r.jumpLocked(now.Add(-c.since))
			r.ramp.steadyRate = c.last
			window := time.Duration(c.rtts) * rtt
			r.ramp.at = now.Add(-window)
			tk.received.Store(int64(c.window * window.Seconds()))
			if c.queue {
				for range delaySamples {
					r.delay.add(110 * time.Millisecond)
				}
				feedRcvRTT(t, r, 90*time.Millisecond, 100*time.Millisecond, rtt)
			}
			if got := r.rampStep(now); got != c.want {
				t.Fatalf("rampStep = %v, want %v", got, c.want)
			}
			if r.allowance != c.wantAllow {
				t.Fatalf("allowance %d, want %d", r.allowance, c.wantAllow)
			}
			if c.want && (r.ramp.rate < 0.99*c.wantBase || r.ramp.rate > 1.01*c.wantBase) {
				t.Fatalf("baseline %.0f, want %.0f", r.ramp.rate, c.wantBase)
			}
			if c.queue != r.ramp.done {
				t.Fatalf("settled %v, want %v", r.ramp.done, c.queue)
			}
		})
	}
}
