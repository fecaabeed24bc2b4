package downloader

import (
	"testing"
	"time"
)

// TestShed: on a path that queues, once the automatic count settled, a
// connection slower than the median that finished its piece leaves, and
// the count follows it down; anywhere else it claims more work.
func TestShed(t *testing.T) {
	const MiB = 1 << 20
	now := time.Now()
	measured := func(rate float64) *conn {
		c := newConn()
		c.first = now.Add(-2 * time.Second)
		c.bytes = int64(2 * rate)
		return c
	}
	cases := []struct {
		name     string
		rate     float64 // the finished connection's
		others   int     // busy connections besides it
		queueing bool
		auto     bool
		settled  bool
		want     bool
	}{
		{"full path, slower than the median: leaves", 1 * MiB, 8, true, true, true, true},
		{"full path, faster than the median: stays", 8 * MiB, 8, true, true, true, false},
		{"path does not queue: stays", 1 * MiB, 8, false, true, true, false},
		{"count pinned by the user: stays", 1 * MiB, 8, true, false, true, false},
		{"ramp still growing: stays", 1 * MiB, 8, true, true, false, false},
		{"at the floor: stays", 1 * MiB, shedFloor - 1, true, true, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var pieces []*piece
			for i := range c.others {
				// Busy connections at 2, 3, 4 ... MiB/s.
				pieces = append(pieces, &piece{Segment: Segment{Start: int64(i) * MiB, End: int64(i+1) * MiB}, conn: measured(float64(i+2) * MiB)})
			}
			tk := &task{pieces: pieces}
			workers := c.others + 1
			r := &run{t: tk, auto: c.auto, workers: workers, allowance: 16, limit: 32}
			r.ramp.done, r.ramp.full = c.settled, c.settled
			for range delayMinSamples {
				r.delay.add(50 * time.Millisecond)
				if c.queueing {
					r.delay.add(120 * time.Millisecond)
				} else {
					r.delay.add(50 * time.Millisecond)
				}
			}
			got := r.shedLocked(measured(c.rate), now)
			if got != c.want {
				t.Fatalf("shed = %v, want %v", got, c.want)
			}
			if want := map[bool]int{true: workers - 1, false: 16}[c.want]; r.allowance != want {
				t.Fatalf("allowance = %d, want %d", r.allowance, want)
			}
		})
	}
}
