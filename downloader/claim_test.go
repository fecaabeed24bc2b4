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
	r := &run{t: tk, connRate: 1 * MiB, delay: pathDelay{first: delayRing{min: 50 * time.Millisecond}}}
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

// TestClaimCountsColdStart: near the end a free connection splits a slow
// range only when it finishes its piece sooner. One whose TCP connection
// was closed, and a new one, must first pay a handshake and TCP's slow
// start; on a 50 ms path that turns a gain into a loss.
func TestClaimCountsColdStart(t *testing.T) {
	const KiB, MiB = 1 << 10, 1 << 20
	now := time.Now()
	measured := func(rate float64, warm bool) *conn {
		c := newConn()
		c.first = now.Add(-2 * time.Second)
		c.bytes = int64(2 * rate)
		c.warm = warm
		return c
	}
	cases := []struct {
		name    string
		claimer *conn // nil: a new connection
		want    bool
	}{
		{"a kept-alive connection splits the slow range", measured(4*MiB, true), true},
		{"one whose connection was closed leaves it", measured(4*MiB, false), false},
		{"a new connection leaves it", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := openTest(t, newMemStore(), t.TempDir(), nil)
			// 250 KiB left at 1 MiB/s, its request ending at 68 KiB: 0.24 s
			// of work for the slow one alone. A connection at 4 MiB/s
			// takes 160 KiB without a cut and, warm, both finish in 0.09
			// s. Cold, its handshake and slow start take 0.1 s before
			// its third window: however the rest is split, it cannot end
			// within tailGain of the time alone.
			slow := &piece{Segment: Segment{Start: 0, End: 250 * KiB}, conn: measured(1*MiB, true), reqEnd: 68 * KiB}
			tk := &task{m: m, rec: TaskRecord{Resumable: true}, pieces: []*piece{slow}}
			r := &run{t: tk, connRate: 4 * MiB}
			for range delayMinSamples {
				r.delay.add(50 * time.Millisecond)
			}
			tk.mu.Lock()
			got := r.claimLocked(c.claimer)
			tk.mu.Unlock()
			if (got != nil) != c.want {
				t.Fatalf("claimed %v, want a split: %v", got != nil, c.want)
			}
		})
	}
}

// TestClaimsInOnePassShareEvenly: the connections a jump starts are all
// claimed in one pass, before any of them asked for its range. Each must
// split the largest range still unasked, not only the first connection's:
// taken as streams in flight, the unasked ranges could not be split, the
// first connection's range was halved again and again (128, 64, 32 …
// MiB) and half the connections found no work.
func TestClaimsInOnePassShareEvenly(t *testing.T) {
	const MiB = 1 << 20
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	first := newConn()
	first.first = time.Now().Add(-50 * time.Millisecond)
	first.bytes = 256 << 10
	probe := &piece{Segment: Segment{Start: 0, End: 256 * MiB}, conn: first, reqEnd: 2 * MiB}
	tk := &task{m: m, rec: TaskRecord{Resumable: true, Size: 256 * MiB}, pieces: []*piece{probe}}
	r := &run{t: tk, delay: pathDelay{first: delayRing{min: 50 * time.Millisecond}}}
	tk.mu.Lock()
	defer tk.mu.Unlock()
	for i := range 15 {
		if r.claimLocked(nil) == nil {
			t.Fatalf("claim %d found no work", i+1)
		}
	}
	if len(tk.pieces) != 16 {
		t.Fatalf("%d ranges, want 16", len(tk.pieces))
	}
	for _, p := range tk.pieces {
		if n := p.End - p.Start; n < 8*MiB || n > 32*MiB {
			t.Errorf("range %d-%d holds %d MiB, want about 16", p.Start, p.End, n/MiB)
		}
	}
}

// TestClaimSplitsConnectionThatLostItsPace: near the end a connection
// that once ran alone in slow start (16 MiB/s since its first byte) lost
// its window and delivers 2 MiB/s. A free connection must split its
// range, cutting its stream: by the lifetime rate it had a fraction of a
// second left, and with the cut's bytes priced at the task's rate now
// (the straggler's alone) no cut paid; it ran alone for 1.3 s. The
// fastest rate prices them only on a full path, where they displace
// others' bytes on its narrowest link.
func TestClaimSplitsConnectionThatLostItsPace(t *testing.T) {
	const MiB = 1 << 20
	cases := []struct {
		name   string
		window float64 // bytes/s of the straggler's latest window; 0 = none
		peak   float64 // the task's fastest rate so far
		full   bool    // the path queued (ramp.full)
		want   bool
	}{
		{"its latest window shows the pace, the link's rate prices the cut", 2 * MiB, 46 * MiB, true, true},
		{"by its lifetime rate it is about to finish", 0, 46 * MiB, true, false},
		{"priced at the straggler's own rate the cut does not pay", 2 * MiB, 0, true, false},
		{"a path that is not full: priced at the rate now", 2 * MiB, 46 * MiB, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := openTest(t, newMemStore(), t.TempDir(), nil)
			now := time.Now()
			slow := newConn()
			slow.first, slow.bytes = now.Add(-4*time.Second), 64*MiB
			if c.window > 0 {
				slow.win = paceWin{at: now.Add(-100 * time.Millisecond), bytes: slow.bytes, rate: c.window}
			}
			// 2.4 MB left, its request to the range's end: any split cuts.
			p := &piece{Segment: Segment{Start: 0, End: 64*MiB + 2400<<10, Done: 64 * MiB}, conn: slow, reqEnd: 64*MiB + 2400<<10}
			claimer := newConn()
			claimer.first, claimer.bytes, claimer.warm = now.Add(-4*time.Second), 12*MiB, true
			tk := &task{m: m, rec: TaskRecord{Resumable: true, Size: 256 * MiB}, pieces: []*piece{p}}
			r := &run{t: tk, peakRate: c.peak}
			r.ramp.full = c.full
			for range delayMinSamples {
				r.delay.add(64 * time.Millisecond)
			}
			tk.mu.Lock()
			got := r.claimLocked(claimer)
			tk.mu.Unlock()
			if (got != nil) != c.want {
				t.Fatalf("claimed %v, want a split: %v", got != nil, c.want)
			}
			if got != nil && (got.Start <= p.pos() || got.End != 64*MiB+2400<<10) {
				t.Fatalf("claimed %d-%d of %d-%d", got.Start, got.End, p.pos(), p.End)
			}
		})
	}
}

// TestClaimSplitsFirstRequestBeforeAnyMeasure: on a far path to a server
// that paces each connection, the others finish their small pieces
// before any connection is old enough for a measured rate. A free
// connection must still cut the first request's range (probeSpan) by
// the connections' pace so far, take its fair share of it, and charge
// the cut to the run's budget;
// a stream too young to read, a fast one whose cut would throw away
// more than the budget, and a run that measured a connection already
// keep the rules they had.
func TestClaimSplitsFirstRequestBeforeAnyMeasure(t *testing.T) {
	const KiB, MiB = 1 << 10, 1 << 20
	cases := []struct {
		name      string
		firstAge  time.Duration // since the first request's first byte
		firstDone int64         // what it delivered
		connRate  float64       // pieces finished at a measured pace
		wantCut   bool
	}{
		{"paced at 1 MiB/s, nothing measured", 90 * time.Millisecond, 96 * KiB, 0, true},
		{"younger than a round trip", 10 * time.Millisecond, 16 * KiB, 0, false},
		{"fast: its cut would overrun the budget", 30 * time.Millisecond, 1 * MiB, 0, false},
		{"a piece finished at a measured pace", 90 * time.Millisecond, 96 * KiB, 1 * MiB, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := openTest(t, newMemStore(), t.TempDir(), nil)
			now := time.Now()
			young := func(age time.Duration, bytes int64) *conn {
				cn := newConn()
				cn.first, cn.bytes, cn.warm = now.Add(-age), bytes, true
				return cn
			}
			first := &piece{Segment: Segment{Start: 0, End: probeSpan, Done: c.firstDone}, conn: young(c.firstAge, c.firstDone), reqEnd: probeSpan}
			pieces := []*piece{first}
			// Eight others, each halfway through its 64 KiB at 1 MiB/s.
			for i := range 8 {
				start := int64(probeSpan + i*64*KiB)
				pieces = append(pieces, &piece{Segment: Segment{Start: start, End: start + 64*KiB, Done: 32 * KiB},
					conn: young(30*time.Millisecond, 32*KiB), reqEnd: start + 64*KiB})
			}
			tk := &task{m: m, rec: TaskRecord{Resumable: true, Size: probeSpan + 8*64*KiB}, pieces: pieces}
			r := &run{t: tk, limit: 16, allowance: 16, workers: 9, connRate: c.connRate,
				delay: pathDelay{first: delayRing{min: 20 * time.Millisecond}}}
			tk.mu.Lock()
			got := r.claimLocked(young(40*time.Millisecond, 64*KiB))
			tk.mu.Unlock()
			if !c.wantCut {
				if got != nil || r.cutSpent != 0 {
					t.Fatalf("claimed %v, cut budget spent %d; want no claim", got, r.cutSpent)
				}
				return
			}
			if got == nil {
				t.Fatal("no work claimed: the first request's range was left to its one connection")
			}
			if got.Start <= first.pos() || got.Start >= probeSpan || first.End != got.Start {
				t.Fatalf("claimed %d-%d; want the upper part of the first request's %d-%d", got.Start, got.End, first.pos(), probeSpan)
			}
			// The eight others come for work before it is done: the
			// claimer takes its share, not half.
			if rem := probeSpan - first.pos(); got.End-got.Start > rem/4 {
				t.Errorf("claimed %d KiB of %d KiB left, want a share of ten", (got.End-got.Start)/KiB, rem/KiB)
			}
			if r.cutSpent <= 0 || r.cutSpent > cutBudgetMin {
				t.Fatalf("cut charged %d bytes to the budget, want within (0, %d]", r.cutSpent, cutBudgetMin)
			}
		})
	}
}
