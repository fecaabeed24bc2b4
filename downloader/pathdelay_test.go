package downloader

import (
	"testing"
	"time"
)

// TestPathDelayQueueing: the median of the recent request-to-first-byte
// samples against the shortest tells a full path from one whose answers
// come at its round trip.
func TestPathDelayQueueing(t *testing.T) {
	ms := func(v ...float64) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x * float64(time.Millisecond))
		}
		return out
	}
	cases := []struct {
		name    string
		samples []time.Duration
		want    bool
	}{
		{"too few samples", ms(50, 100, 100), false},
		{"a wide-area path at its round trip", ms(50, 51, 50, 52, 50, 51, 50, 50), false},
		{"lost packets delay single answers", ms(50, 51, 250, 50, 1050, 52, 50, 51), false},
		{"the buffer fills: answers wait", ms(50, 55, 70, 85, 95, 100, 100, 98, 101), true},
		{"a loopback with scheduling noise", ms(0.1, 0.3, 2, 0.2, 5, 0.2, 0.4, 3), false},
		{"a loopback whose server queues", ms(0.1, 0.2, 20, 25, 30, 22, 24, 26), true},
		{"the queue drained again", ms(50, 100, 100, 100, 100, 51, 50, 52, 50, 51, 50, 50, 51), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d pathDelay
			for _, s := range c.samples {
				d.add(s)
			}
			if got := d.queueing(time.Time{}); got != c.want {
				t.Fatalf("queueing = %v, want %v (min %v, recent %v)", got, c.want, d.min, d.recent)
			}
		})
	}
}
