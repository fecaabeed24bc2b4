package downloader

import (
	"testing"
)

func TestLowatFor(t *testing.T) {
	const KiB, MiB = 1 << 10, 1 << 20
	edge := int64(lowatSlack + 32*KiB + 16*KiB) // slack, the read, the mark
	cases := []struct {
		name        string
		left        int64
		rate        float64
		least, most int
		want        int
	}{
		{"length unknown: the body may end any time", -1, 1 * MiB, 16 * KiB, 32 * KiB, 1},
		{"rate not known yet", 10 * MiB, 0, 16 * KiB, 32 * KiB, 1},
		{"a lossy path's connection: half its buffer", 10 * MiB, 500 * KiB, 16 * KiB, 32 * KiB, 16 * KiB},
		{"100 KiB/s: 50 ms of it, a power of two", 10 * MiB, 100 * KiB, 16 * KiB, 32 * KiB, 4 * KiB},
		{"a crawl is not held back", 10 * MiB, 20 * KiB, 16 * KiB, 32 * KiB, 1},
		{"a read that wants little (a speed limit)", 10 * MiB, 1 * MiB, 1 * KiB, 2 * KiB, 1},
		{"the body still owes the slack, the read and the mark", edge, 1 * MiB, 16 * KiB, 32 * KiB, 16 * KiB},
		{"one byte less: its last bytes come with no mark", edge - 1, 1 * MiB, 16 * KiB, 32 * KiB, 1},
		{"a large read needs more left", 300 * KiB, 1 * MiB, 128 * KiB, 256 * KiB, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := lowatFor(c.left, c.rate, c.least, c.most); got != c.want {
				t.Fatalf("lowatFor(left %d, rate %.0f, least %d, most %d) = %d, want %d", c.left, c.rate, c.least, c.most, got, c.want)
			}
		})
	}
}
