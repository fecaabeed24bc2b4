package downloader

import (
	"math"
	"testing"
)

func TestDeliverTime(t *testing.T) {
	const KiB, MiB = 1 << 10, 1 << 20
	cases := []struct {
		name  string
		piece int64
		rate  float64
		rtt   float64
		cold  bool
		want  float64
	}{
		{"warm: a round trip, then the rate", 4 * MiB, 4 * MiB, 0.05, false, 1.05},
		// rate × rtt = 204.8 KiB: windows of 14.1, 28.3, 56.6 and 113.1
		// KiB (212 KiB in 4 rounds), then 3,884 KiB at the rate.
		{"cold: the handshake, then slow start's rounds", 4 * MiB, 4 * MiB, 0.05, true, 0.05 + 0.2 + float64(4*MiB-15*initialWindow)/(4*MiB)},
		{"cold, a piece inside slow start: rounds only", 40 * KiB, 4 * MiB, 0.05, true, 0.05 + 0.1},
		{"cold on a slow link: the first window carries the rate", 1 * MiB, 64 * KiB, 0.05, true, 0.05 + 0.05 + 16},
		{"round trip unknown: as warm", 1 * MiB, 1 * MiB, 0, true, 1},
		{"rate unknown: only the round trip", 1 * MiB, 0, 0.05, true, 0.05},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := deliverTime(c.piece, c.rate, c.rtt, c.cold); math.Abs(got-c.want) > 1e-9 {
				t.Fatalf("deliverTime = %.6f s, want %.6f", got, c.want)
			}
		})
	}
	// A cold start never beats a warm one.
	for _, piece := range []int64{1, 64 * KiB, 1 * MiB, 64 * MiB} {
		for _, rate := range []float64{64 * KiB, 1 * MiB, 50 * MiB} {
			if w, k := deliverTime(piece, rate, 0.05, false), deliverTime(piece, rate, 0.05, true); k < w {
				t.Errorf("piece %d at %.0f B/s: cold %.3f s < warm %.3f s", piece, rate, k, w)
			}
		}
	}
}
