package downloader

import (
	"sync"
	"sync/atomic"
	"testing"
)

// kickRecorder is a PartFile that counts the writeback it was asked to
// start, and for which range.
type kickRecorder struct {
	PartFile
	kicks   atomic.Int64
	partial atomic.Int64 // kicks of less than the whole file
}

func (k *kickRecorder) StartWriteback(off, n int64) {
	k.kicks.Add(1)
	if off != 0 || n != 0 {
		k.partial.Add(1)
	}
}

// TestKickWriteback: writeback of the whole file starts every
// writebackEvery bytes the run writes, however the writes are spread over
// connections and pieces; pieces smaller than the mark (most of a
// download's last seconds) were never kicked when it was counted per
// piece, and the sync before the rename waited for all of them.
func TestKickWriteback(t *testing.T) {
	const KiB, MiB = 1 << 10, 1 << 20
	cases := []struct {
		name     string
		writers  int
		writes   int   // per writer
		chunk    int64 // bytes per write
		min, max int64 // kicks
	}{
		{"one connection, 20 MiB", 1, 20 * 4, 256 * KiB, 2, 2},
		{"sixteen connections with 1 MiB pieces, 32 MiB", 16, 8, 256 * KiB, 4, 4},
		{"less than the mark: nothing yet", 4, 7, 256 * KiB, 0, 0},
		// Racing writers: exactly one sees each mark crossed.
		{"eight racing connections, 64 MiB", 8, 128, 64 * KiB, 8, 8},
		{"uneven writes, 24 MiB + 3 bytes", 3, 8 << 10, 1025, 3, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &kickRecorder{}
			r := &run{file: rec}
			var wg sync.WaitGroup
			for range c.writers {
				wg.Go(func() {
					for range c.writes {
						r.kickWriteback(c.chunk)
					}
				})
			}
			wg.Wait()
			if got := rec.kicks.Load(); got < c.min || got > c.max {
				t.Fatalf("%d kicks, want %d to %d", got, c.min, c.max)
			}
			if p := rec.partial.Load(); p > 0 {
				t.Fatalf("%d kicks of part of the file, want the whole file each time", p)
			}
		})
	}
	// A file that cannot start writeback is left to the syncs.
	(&run{file: struct{ PartFile }{}}).kickWriteback(64 * MiB)
}
