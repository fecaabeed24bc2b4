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
		{"a short look finds a throttled stream", ramp{}, 1, 1, 64 << 10, 20 * time.Millisecond, time.Millisecond, true, 2, true},
		{"a fast stream is measured, not taken as slow", ramp{}, 2, 2, 40 * MiB, 20 * time.Millisecond, time.Millisecond, false, 2, false},
		{"a fast doubling that paid doubles again", ramp{rate: 500 * MiB}, 2, 2, 40 * MiB, 40 * time.Millisecond, time.Millisecond, true, 4, false},
		{"a fast doubling that did not pay is measured once more", ramp{rate: 1000 * MiB}, 2, 2, 40 * MiB, 40 * time.Millisecond, time.Millisecond, false, 2, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tk := &task{conns: c.conns}
			r := &run{t: tk, allowance: c.allowance, limit: 16, ramp: c.ramp, delay: pathDelay{min: c.rtt}}
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
