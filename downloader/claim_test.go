package downloader

import (
	"testing"
	"time"
)

// TestClaimSplitsKnownStraggler: after a split, the young pieces have no
// measured rate yet. A free connection must still cut the range of the
// connection known to crawl, not the young pieces again.
func TestClaimSplitsKnownStraggler(t *testing.T) {
	const MiB = 1 << 20
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	now := time.Now()
	measured := func(rate float64) *conn {
		c := newConn()
		c.first = now.Add(-2 * time.Second)
		c.bytes = int64(2 * rate)
		return c
	}
	young := func() *conn {
		c := newConn()
		c.first = now.Add(-50 * time.Millisecond)
		c.bytes = 16 << 10
		return c
	}
	straggler := &piece{Segment: Segment{Start: 0, End: 3 * MiB}, conn: measured(256 << 10)}
	pieces := []*piece{straggler}
	for i := range 8 {
		start := int64(3*MiB + i*(256<<10))
		pieces = append(pieces, &piece{Segment: Segment{Start: start, End: start + 256<<10}, conn: young()})
	}
	tk := &task{m: m, rec: TaskRecord{Resumable: true}, pieces: pieces}
	r := &run{t: tk, connRate: 1 * MiB, firstByte: 50 * time.Millisecond}
	tk.mu.Lock()
	got := r.claimLocked(nil)
	tk.mu.Unlock()
	if got == nil {
		t.Fatal("no work claimed")
	}
	if got.Start <= straggler.Start || got.Start >= 3*MiB || straggler.End != got.Start {
		t.Fatalf("claimed %d-%d; want the upper part of the straggler's 0-%d", got.Start, got.End, 3*MiB)
	}
	// The newcomer is expected at 1 MiB/s against 256 KiB/s: it takes
	// most of the range.
	if got.End-got.Start < 2*MiB {
		t.Errorf("newcomer took %d bytes, want most of 3 MiB", got.End-got.Start)
	}
}
