package downloader

import (
	"math"
	"slices"
	"testing"
)

func TestPick(t *testing.T) {
	const MiB = 1 << 20
	type want struct {
		idx   int
		at    int64
		split bool
		ok    bool
	}
	cases := []struct {
		name     string
		slots    []slot
		minSplit int64
		newRate  float64
		want     want
	}{
		{
			name:  "nothing at all",
			slots: nil, minSplit: MiB,
			want: want{idx: -1},
		},
		{
			name: "all complete",
			slots: []slot{
				{Segment: Segment{Start: 0, End: 10, Done: 10}},
				{Segment: Segment{Start: 10, End: 20, Done: 10}},
			},
			minSplit: 1,
			want:     want{idx: -1},
		},
		{
			name: "idle range taken whole before any split",
			slots: []slot{
				{Segment: Segment{Start: 0, End: 100 * MiB}, Busy: true},
				{Segment: Segment{Start: 100 * MiB, End: 101 * MiB}},
			},
			minSplit: MiB,
			want:     want{idx: 1, ok: true},
		},
		{
			name: "largest idle range wins",
			slots: []slot{
				{Segment: Segment{Start: 0, End: 2 * MiB, Done: MiB}},
				{Segment: Segment{Start: 2 * MiB, End: 10 * MiB, Done: MiB}},
				{Segment: Segment{Start: 10 * MiB, End: 12 * MiB}},
			},
			minSplit: MiB,
			want:     want{idx: 1, ok: true},
		},
		{
			name: "idle unbounded range is taken",
			slots: []slot{
				{Segment: Segment{Start: 0, End: -1, Done: 5}},
			},
			minSplit: MiB,
			want:     want{idx: 0, ok: true},
		},
		{
			name: "busy unbounded range is never split",
			slots: []slot{
				{Segment: Segment{Start: 0, End: -1, Done: 5}, Busy: true, Rate: 1},
			},
			minSplit: 1,
			want:     want{idx: -1},
		},
		{
			name: "fresh busy range split in half (aligned)",
			slots: []slot{
				{Segment: Segment{Start: 0, End: 16 * MiB}, Busy: true},
			},
			minSplit: MiB,
			want:     want{idx: 0, at: 8 * MiB, split: true, ok: true},
		},
		{
			name: "slow range has more time left than a bigger fast one",
			slots: []slot{
				{Segment: Segment{Start: 0, End: 32 * MiB}, Busy: true, Rate: 100 * MiB},
				{Segment: Segment{Start: 32 * MiB, End: 40 * MiB}, Busy: true, Rate: 1 * MiB},
			},
			minSplit: MiB,
			// The slow one keeps 1/(1+1) of its 8 MiB when the newcomer's
			// rate is also 1 MiB/s.
			newRate: MiB,
			want:    want{idx: 1, at: 36 * MiB, split: true, ok: true},
		},
		{
			name: "small piece with little time left is not worth it",
			slots: []slot{
				{Segment: Segment{Start: 0, End: MiB}, Busy: true, Rate: 100 * MiB},
			},
			minSplit: MiB,
			want:     want{idx: -1},
		},
		{
			name: "tail split: small piece on a crawling connection",
			slots: []slot{
				{Segment: Segment{Start: 0, End: MiB}, Busy: true, Rate: 64 << 10},
			},
			minSplit: 4 * MiB,
			newRate:  64 << 10,
			want:     want{idx: 0, at: MiB / 2, split: true, ok: true},
		},
		{
			name: "tail split never below tailSplitMin",
			slots: []slot{
				{Segment: Segment{Start: 0, End: tailSplitMin}, Busy: true, Rate: 1},
			},
			minSplit: MiB,
			newRate:  1,
			want:     want{idx: -1},
		},
		{
			name: "one byte left is never split, even with no minimum",
			slots: []slot{
				{Segment: Segment{Start: 0, End: 100, Done: 99}, Busy: true, Rate: 1},
			},
			minSplit: 0,
			newRate:  1,
			want:     want{idx: -1},
		},
		{
			name: "finished busy range is skipped",
			slots: []slot{
				{Segment: Segment{Start: 0, End: 8 * MiB, Done: 8 * MiB}, Busy: true},
				{Segment: Segment{Start: 8 * MiB, End: 16 * MiB}, Busy: true},
			},
			minSplit: MiB,
			want:     want{idx: 1, at: 12 * MiB, split: true, ok: true},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			idx, at, split, ok := pick(c.slots, c.minSplit, c.newRate)
			if ok != c.want.ok {
				t.Fatalf("ok = %v (idx %d at %d split %v), want %v", ok, idx, at, split, c.want.ok)
			}
			if !ok {
				return
			}
			if idx != c.want.idx || split != c.want.split || (split && at != c.want.at) {
				t.Fatalf("pick = (%d, %d, %v), want (%d, %d, %v)", idx, at, split, c.want.idx, c.want.at, c.want.split)
			}
			if split {
				s := c.slots[idx]
				if at <= s.pos() || at >= s.End {
					t.Fatalf("split at %d outside (%d, %d): an empty piece", at, s.pos(), s.End)
				}
			}
		})
	}
}

func TestSplitPoint(t *testing.T) {
	cases := []struct {
		name             string
		seg              Segment
		oldRate, newRate float64
		want             int64
	}{
		{"halves with unknown rates", Segment{Start: 0, End: 1 << 20}, 0, 0, 512 << 10},
		{"halves the rest, not the range", Segment{Start: 0, End: 1 << 20, Done: 512 << 10}, 0, 0, 768 << 10},
		{"one rate unknown still halves", Segment{Start: 0, End: 1 << 20}, 5, 0, 512 << 10},
		{"faster old connection keeps more", Segment{Start: 0, End: 4 << 20}, 3, 1, 3 << 20},
		{"slower old connection keeps less", Segment{Start: 0, End: 4 << 20}, 1, 3, 1 << 20},
		{"aligned down to 4 KiB", Segment{Start: 0, End: 10000}, 0, 0, 4096},
		{"no alignment below the position", Segment{Start: 4097, End: 4107}, 0, 0, 4102},
		{"two bytes left: one each", Segment{Start: 10, End: 12}, 0, 0, 11},
		{"a very fast old connection still leaves a byte", Segment{Start: 0, End: 100}, 1e12, 1, 99},
		{"a very fast new connection still leaves the old one a byte", Segment{Start: 0, End: 100}, 1, 1e12, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := splitPoint(c.seg, c.oldRate, c.newRate)
			if got != c.want {
				t.Fatalf("splitPoint(%+v, %v, %v) = %d, want %d", c.seg, c.oldRate, c.newRate, got, c.want)
			}
			if got <= c.seg.pos() || got >= c.seg.End {
				t.Fatalf("cut %d not strictly inside (%d, %d)", got, c.seg.pos(), c.seg.End)
			}
		})
	}
}

// TestSplitPointProperty checks, over many shapes, that both sides of a
// split get at least one byte whenever two bytes or more are left.
func TestSplitPointProperty(t *testing.T) {
	rates := []float64{0, 1, 1000, 1e9}
	for _, start := range []int64{0, 1, 4095, 4096, 1 << 30} {
		for _, rem := range []int64{2, 3, 4095, 4096, 4097, 1 << 20, 1<<20 + 1} {
			for _, done := range []int64{0, 1, 777} {
				seg := Segment{Start: start, End: start + done + rem, Done: done}
				for _, a := range rates {
					for _, b := range rates {
						cut := splitPoint(seg, a, b)
						if cut <= seg.pos() || cut >= seg.End {
							t.Fatalf("splitPoint(%+v, %v, %v) = %d, not inside (%d, %d)", seg, a, b, cut, seg.pos(), seg.End)
						}
					}
				}
			}
		}
	}
}

func TestCompact(t *testing.T) {
	cases := []struct {
		name string
		in   []Segment
		want []Segment
	}{
		{"empty", nil, []Segment{}},
		{"one", []Segment{{0, 10, 3}}, []Segment{{0, 10, 3}}},
		{"done neighbours merge", []Segment{{0, 10, 10}, {10, 20, 10}, {20, 30, 10}}, []Segment{{0, 30, 30}}},
		{"unfinished stops the merge", []Segment{{0, 10, 10}, {10, 20, 5}, {20, 30, 10}, {30, 40, 10}}, []Segment{{0, 10, 10}, {10, 20, 5}, {20, 40, 20}}},
		{"unfinished ranges never merge", []Segment{{0, 10, 5}, {10, 20, 0}}, []Segment{{0, 10, 5}, {10, 20, 0}}},
		{"empty done range merges away", []Segment{{0, 10, 10}, {10, 10, 0}, {10, 20, 10}}, []Segment{{0, 20, 20}}},
		{"unbounded tail kept", []Segment{{0, 10, 10}, {10, -1, 7}}, []Segment{{0, 10, 10}, {10, -1, 7}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := slices.Clone(c.in)
			got := compact(in)
			if !slices.Equal(got, c.want) {
				t.Fatalf("compact(%v) = %v, want %v", c.in, got, c.want)
			}
			if !slices.Equal(in, c.in) {
				t.Fatalf("compact changed its input: %v", in)
			}
			if doneBytes(got) != doneBytes(c.in) {
				t.Fatalf("done bytes %d → %d", doneBytes(c.in), doneBytes(got))
			}
		})
	}
}

func TestValidSegments(t *testing.T) {
	cases := []struct {
		name string
		segs []Segment
		size int64
		want bool
	}{
		{"nil", nil, 10, false},
		{"one whole", []Segment{{0, 10, 4}}, 10, true},
		{"several contiguous", []Segment{{0, 4, 4}, {4, 8, 1}, {8, 10, 0}}, 10, true},
		{"does not start at 0", []Segment{{1, 10, 0}}, 10, false},
		{"gap", []Segment{{0, 4, 4}, {5, 10, 0}}, 10, false},
		{"overlap", []Segment{{0, 6, 4}, {5, 10, 0}}, 10, false},
		{"short of the size", []Segment{{0, 8, 0}}, 10, false},
		{"beyond the size", []Segment{{0, 12, 0}}, 10, false},
		{"done beyond the range", []Segment{{0, 4, 5}, {4, 10, 0}}, 10, false},
		{"negative done", []Segment{{0, 10, -1}}, 10, false},
		{"end before start", []Segment{{0, 5, 0}, {5, 4, 0}, {4, 10, 0}}, 10, false},
		{"unknown size, one open range", []Segment{{0, -1, 100}}, -1, true},
		{"open range with a known size", []Segment{{0, -1, 100}}, 10, false},
		{"open range not last", []Segment{{0, -1, 1}, {1, 2, 0}}, -1, false},
		{"unknown size needs an open range", []Segment{{0, 10, 10}}, -1, false},
		{"empty file", []Segment{{0, 0, 0}}, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := validSegments(c.segs, c.size); got != c.want {
				t.Fatalf("validSegments(%v, %d) = %v, want %v", c.segs, c.size, got, c.want)
			}
		})
	}
}

func TestTailPays(t *testing.T) {
	const KiB, MiB = 1 << 10, 1 << 20
	pol := func(newRate, rtt float64) splitPolicy { return tailPolicy(MiB, newRate, rtt) }
	cases := []struct {
		name    string
		rem     int64
		piece   int64
		oldRate float64
		pol     splitPolicy
		want    bool
	}{
		{"straggler at 256 KiB/s, healthy newcomer", 200 * KiB, 180 * KiB, 256 * KiB, pol(2*MiB, 0.005), true},
		{"piece below the floor", 60 * KiB, tailSplitMin - 1, 1 * KiB, pol(2*MiB, 0.005), false},
		{"old one finishes within tailAfter anyway", 20 * KiB, 16 * KiB, 256 * KiB, pol(2*MiB, 0.005), false},
		{"equal rates: halving the last MiB", MiB, MiB / 2, 2 * MiB, pol(2*MiB, 0.005), true},
		{"newcomer much slower: no gain", 400 * KiB, 200 * KiB, 256 * KiB, pol(16*KiB, 0.005), false},
		{"long round trip eats the gain", 300 * KiB, 270 * KiB, 256 * KiB, pol(2*MiB, 0.5), false},
		{"rates unknown: halve", 400 * KiB, 200 * KiB, 0, pol(0, 0.005), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := tailPays(c.rem, c.piece, c.oldRate, c.pol); got != c.want {
				t.Fatalf("tailPays(rem %d, piece %d, old %.0f B/s, new %.0f B/s, rtt %.3fs) = %v, want %v",
					c.rem, c.piece, c.oldRate, c.pol.newRate, c.pol.rtt, got, c.want)
			}
		})
	}
}

// TestGainPays: every split of a measured range must finish it sooner by
// a good share, whatever the piece's size; the first case is a split
// logged at the end of a 50 ms download whose path was full, where the
// newcomer's slow start made it the download's last stream.
func TestGainPays(t *testing.T) {
	const MiB = 1 << 20
	pol := func(newRate, rtt float64, cold bool) splitPolicy {
		p := tailPolicy(MiB, newRate, rtt)
		p.cold = cold
		return p
	}
	cases := []struct {
		name    string
		rem     int64
		piece   int64
		oldRate float64
		pol     splitPolicy
		want    bool
		// picked: pick, which sizes the piece itself (balancedCut),
		// agrees; the first case's piece is the rates' share, and the
		// balanced one is smaller.
		picked bool
	}{
		{"a new connection takes 1.1 MiB of a range done in 0.78 s", 2174072, 1126400, 2.78e6, pol(2.99e6, 0.079, true), false, false},
		{"the same piece to a kept-alive fast connection", 2174072, 1126400, 2.78e6, pol(23e6, 0.079, false), true, true},
		{"early on, a new connection takes half of 100 MiB", 100 * MiB, 50 * MiB, 3 * MiB, pol(3*MiB, 0.08, true), true, true},
		{"a slower newcomer cannot halve the time", 8 * MiB, 4 * MiB, 4 * MiB, pol(1*MiB, 0.05, false), false, true},
		{"rates unknown: pays, as the ramp halves", 8 * MiB, 4 * MiB, 0, pol(0, 0.05, true), true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := gainPays(c.rem, c.piece, c.oldRate, c.pol); got != c.want {
				t.Fatalf("gainPays(rem %d, piece %d, old %.0f B/s, new %.0f B/s, cold %v) = %v, want %v",
					c.rem, c.piece, c.oldRate, c.pol.newRate, c.pol.cold, got, c.want)
			}
			if !c.picked {
				return
			}
			// pick applies it to pieces above the minimum split too.
			s := slot{Segment: Segment{Start: 0, End: c.rem}, Busy: true, Rate: c.oldRate}
			if _, _, _, ok := pickWith([]slot{s}, c.pol); c.want && !ok {
				t.Fatalf("pick left a range whose split pays")
			} else if !c.want && ok {
				t.Fatalf("pick split a range whose split does not pay")
			}
		})
	}
}

// TestBalancedCut: the free connection's piece is sized so that it ends
// with the old connection although it starts later (a round trip; when
// cold, the handshake and slow start too). The rates' share alone leaves
// the newcomer finishing last by that start.
func TestBalancedCut(t *testing.T) {
	const MiB = 1 << 20
	cases := []struct {
		name     string
		rem      int64
		old, new float64
		rtt      float64
		cold     bool
	}{
		{"kept alive, equal rates", 20 * MiB, 1 * MiB, 1 * MiB, 0.05, false},
		{"kept alive, a fast newcomer on a long path", 4 * MiB, 1 * MiB, 8 * MiB, 0.1, false},
		{"cold, near equal rates at the end", 2174072, 2.78e6, 2.99e6, 0.079, true},
		{"cold and fast against a crawling one", 8 * MiB, 0.5 * MiB, 20 * MiB, 0.05, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pol := tailPolicy(MiB, c.new, c.rtt)
			pol.cold = c.cold
			s := slot{Segment: Segment{Start: 0, End: c.rem}, Busy: true, Rate: c.old}
			gap := func(cut int64) float64 {
				return math.Abs(float64(cut)/c.old - pol.deliver(c.rem-cut))
			}
			cut, plain := pol.balancedCut(s), splitPoint(s.Segment, c.old, c.new)
			if cut <= 0 || cut >= c.rem {
				t.Fatalf("cut %d outside the range", cut)
			}
			if g, p := gap(cut), gap(plain); g > 0.5*p && g > 0.01 {
				t.Fatalf("finish gap %.3f s (by the rates alone %.3f s)", g, p)
			}
		})
	}
}

// TestSplitAtFairShare: a cut that pays hands the claimer its fair share
// among the connections that come for work before the range is done, when
// the run measured none yet or the stream was cut already (further cuts
// throw away nothing more); otherwise, and for a split that cuts no
// stream, the balanced point as before.
func TestSplitAtFairShare(t *testing.T) {
	const KiB, MiB = 1 << 10, 1 << 20
	// A range at 1 MiB/s with 1 MiB left; its request runs to floor.
	ranged := func(floor int64) slot {
		return slot{Segment: Segment{Start: 0, End: 2 * MiB, Done: MiB}, Busy: true, Rate: MiB, Floor: floor}
	}
	// Six others, each with 32 KiB left at 1 MiB/s.
	peers := make([]slot, 6)
	for i := range peers {
		start := int64(2*MiB + i*64*KiB)
		peers[i] = slot{Segment: Segment{Start: start, End: start + 64*KiB, Done: 32 * KiB}, Busy: true, Rate: MiB, Floor: start + 64*KiB}
	}
	cases := []struct {
		name      string
		s         slot
		fair      bool
		wantPiece int64 // about; 0 = the balanced split's
	}{
		{"the run measured none: a fair share", ranged(2 * MiB), true, MiB / 8},
		{"its stream was cut already: a fair share", ranged(3 * MiB), false, MiB / 8},
		{"a first cut of a measured run: half", ranged(2 * MiB), false, 0},
		{"no cut (the request ends below): half", ranged(MiB + 64*KiB), true, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pol := tailPolicy(256*KiB, MiB, 0.02)
			pol.taskRate, pol.cutBudget, pol.fair = 7*MiB, cutBudgetMin, c.fair
			slots := append([]slot{c.s}, peers...)
			idx, at, split, ok := pickWith(slots, pol)
			if !ok || !split || idx != 0 {
				t.Fatalf("pick = %d, %d, %v, %v; want a split of the range", idx, at, split, ok)
			}
			balanced, _ := splitAt(c.s, pol)
			want := c.s.End - balanced
			if c.wantPiece > 0 {
				want = c.wantPiece
			}
			if got := c.s.End - at; got < want-2*splitAlign || got > want+2*splitAlign {
				t.Fatalf("piece %d KiB, want about %d KiB", got/KiB, want/KiB)
			}
		})
	}
}

// TestPickEarlyCutsLast: at the jump (ramp.go) of a run that measured
// no connection yet, the ranges not asked for yet split cleanly; the
// first request's stream, with more time left, is cut only once no
// clean split pays. A measured run weighs them by time left as before.
func TestPickEarlyCutsLast(t *testing.T) {
	const KiB, MiB = 1 << 10, 1 << 20
	slots := []slot{
		{Segment: Segment{Start: 0, End: 2 * MiB, Done: 64 * KiB}, Busy: true, Rate: 2 * MiB, Floor: 2 * MiB},
		{Segment: Segment{Start: 2 * MiB, End: 3 * MiB}, Busy: true, Rate: 2 * MiB},
	}
	cases := []struct {
		name string
		fair bool
		want int
	}{
		{"nothing measured: the range not asked for", true, 1},
		{"measured: the most time left, cut", false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pol := tailPolicy(256*KiB, 2*MiB, 0.001)
			pol.taskRate, pol.cutBudget, pol.fair = 32*MiB, cutBudgetMin, c.fair
			idx, at, split, ok := pickWith(slots, pol)
			if !ok || !split || idx != c.want {
				t.Fatalf("pick = %d at %d (split %v, ok %v), want a split of range %d", idx, at, split, ok, c.want)
			}
		})
	}
}
