package downloader

import (
	"io"
	"testing"
	"time"
)

// TestRequestEnd: requests span several seconds of the connection's rate,
// less near the task's end, at least reqSpanTiny (reqSpanMin while the
// rate is unknown), and never leave a sliver behind.
func TestRequestEnd(t *testing.T) {
	const MiB = 1 << 20
	cases := []struct {
		name       string
		start, end int64
		rate       float64
		prev       int64
		shared     bool
		horizon    float64
		want       int64
		delay      float64 // seconds
	}{
		{"unknown length stays open", 0, -1, 0, 0, false, 0, -1, 0},
		{"unknown rate: a sixteenth of the range", 0, 160 * MiB, 0, 0, false, 0, 10 * MiB, 0},
		{"unknown rate, a short range: the minimum span", 0, 3 * MiB, 0, 0, false, 0, reqSpanMin, 0},
		{"unknown rate: the next request doubles the last", 0, 40 * MiB, 0, 8 * MiB, false, 0, 16 * MiB, 0},
		{"a slow connection: seconds of its rate", 10 * MiB, 100 * MiB, 100 << 10, 0, false, 0, 10*MiB + 600<<10, 0},
		{"a crawling connection: the tiny span", 10 * MiB, 100 * MiB, 10 << 10, 0, false, 0, 10*MiB + reqSpanTiny, 0},
		{"a known rate does not double the last span", 0, 1000 * MiB, 1 * MiB, 16 * MiB, false, 0, 6 * MiB, 0},
		{"a fast connection: seconds of its rate", 0, 1000 * MiB, 50 * MiB, 0, false, 0, 300 * MiB, 0},
		{"little left: to the end", 0, reqSpanMin * 3 / 2, 0, 0, false, 0, reqSpanMin * 3 / 2, 0},
		{"a fast connection on a short range: to the end", 0, 100 * MiB, 50 * MiB, 0, false, 0, 100 * MiB, 0},
		{"shared: at most half of what is left", 0, 40 * MiB, 50 * MiB, 0, true, 0, 20 * MiB, 0},
		{"shared, a short range: half of it", 0, 3 * MiB, 50 * MiB, 0, true, 0, 3 * MiB / 2, 0},
		{"shared, little left: to the end", 0, reqSpanShared + reqSpanShared/4, 50 * MiB, 0, true, 0, reqSpanShared + reqSpanShared/4, 0},
		{"shared, a slow connection keeps its short span", 0, 40 * MiB, 256 << 10, 0, true, 0, 1536 << 10, 0},
		{"far from the end: the horizon does not shorten", 0, 100 * MiB, 1 * MiB, 0, false, 60, 6 * MiB, 0},
		{"near the end: half the time left", 0, 100 * MiB, 1 * MiB, 0, false, 1, 512 << 10, 0},
		{"near the end: reqSpanTailSeconds", 0, 100 * MiB, 1 * MiB, 0, false, 0.4, 256 << 10, 0},
		{"at the very end: the time left, so the others can take the rest", 0, 100 * MiB, 1 * MiB, 0, false, 0.1, 100 << 10, 0},
		{"at the very end, a crawling connection: the tiny span", 0, 100 * MiB, 100 << 10, 0, false, 0.1, reqSpanTiny, 0},
		{"a short path: seconds of the rate", 0, 1000 * MiB, 1 * MiB, 0, false, 0, 6 * MiB, 0.01},
		{"a long path: reqSpanDelays round trips", 0, 1000 * MiB, 1 * MiB, 0, false, 0, 12 * MiB, 0.6},
		{"near the end of a queueing path: reqSpanTailDelays round trips", 0, 100 * MiB, 1 * MiB, 0, false, 1, 816 << 10, 0.1},
		{"at the very end of a queueing path: the time left", 0, 100 * MiB, 1 * MiB, 0, false, 0.1, 100 << 10, 0.1},
		{"the end: a range a little past the request that would outlast the time left stops short", 0, 900 << 10, 1 * MiB, 0, false, 0.6, 612 << 10, 0.1},
		{"the end: a little past the request, within the time left: to the end", 0, 980 << 10, 1 * MiB, 0, false, 1, 980 << 10, 0.1},
		{"the end: a remainder under reqSpanTiny goes along", 0, 672 << 10, 1 * MiB, 0, false, 0.6, 672 << 10, 0.1},
		{"near the end of a queueing path: half the time left when longer", 0, 100 * MiB, 1 * MiB, 0, false, 3, 3 * MiB / 2, 0.1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := spanInputs{Rate: c.rate, Prev: c.prev, Shared: c.shared, Horizon: c.horizon, Delay: c.delay}
			if got := requestEnd(c.start, c.end, in); got != c.want {
				t.Fatalf("requestEnd(%d, %d, %+v) = %d, want %d", c.start, c.end, in, got, c.want)
			}
		})
	}
}

// TestRequestEndShare: a connection far faster than the task's others
// (a young one before its first loss) is sized by twice their share in
// seconds, but its round trips count at its own pace.
func TestRequestEndShare(t *testing.T) {
	const MiB = 1 << 20
	cases := []struct {
		name        string
		rate, share float64
		delay       float64 // seconds
		want        int64
	}{
		{"a burst: twice the share's 6 s", 4 * MiB, MiB / 2, 0, 6 * MiB},
		{"about the share: its own rate", MiB / 2, MiB / 2, 0, 3 * MiB},
		{"share not known: its own rate", 4 * MiB, 0, 0, 24 * MiB},
		{"a long path: 20 round trips at its own pace", 4 * MiB, MiB / 2, 0.5, 40 * MiB},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := requestEnd(0, 1000*MiB, spanInputs{Rate: c.rate, Share: c.share, Delay: c.delay}); got != c.want {
				t.Fatalf("requestEnd = %d, want %d", got, c.want)
			}
		})
	}
}

// TestShareLeavesSelfOut: the share a connection is capped by is the
// other connections' rate, so a burst does not raise its own cap.
func TestShareLeavesSelfOut(t *testing.T) {
	const MiB = 1 << 20
	now := time.Now()
	conn := func(rate float64) *conn {
		c := newConn()
		c.first, c.bytes = now.Add(-time.Second), int64(rate)
		return c
	}
	self := conn(4 * MiB)
	r := &run{t: &task{pieces: []*piece{{conn: self}, {conn: conn(MiB / 2)}, {conn: conn(MiB / 2)}, {}}}}
	if _, got := r.paceLocked(now, self); got != MiB/2 {
		t.Fatalf("share = %v, want the others' 0.5 MiB/s", got)
	}
	alone := &run{t: &task{pieces: []*piece{{conn: self}}}}
	if _, got := alone.paceLocked(now, self); got != 0 {
		t.Fatalf("share of a lone connection = %v, want 0 (not known)", got)
	}
}

// TestSpanRate: a request is sized by the connection's rate since its
// first byte, or by what a young one did so far.
func TestSpanRate(t *testing.T) {
	now := time.Now()
	c := newConn()
	if got := c.spanRate(now); got != 0 {
		t.Fatalf("a new connection's span rate = %v, want 0", got)
	}
	c.first, c.bytes = now.Add(-2*time.Second), 8<<20 // 4 MiB/s since its first byte
	if got := c.spanRate(now); got != 4<<20 {
		t.Fatalf("span rate = %v, want its lifetime 4 MiB/s", got)
	}
	c.first, c.bytes = now.Add(-100*time.Millisecond), 1<<20 // too young for conn.rate
	if got := c.spanRate(now); got != 10<<20 {
		t.Fatalf("a young connection's span rate = %v, want what it did so far, 10 MiB/s", got)
	}
}

// TestPickSplitsAtRequestEnd: a split that would cut the stream in flight
// moves to where its request ends when that leaves a real piece; a cut
// that cannot move must be worth what it throws away.
func TestPickSplitsAtRequestEnd(t *testing.T) {
	const MiB = 1 << 20
	busy := func(pos, end, floor int64, rate float64) slot {
		return slot{Segment: Segment{Start: 0, End: end, Done: pos}, Busy: true, Rate: rate, Floor: floor}
	}
	// Both at 1 MiB/s: the halves, but the old connection also keeps
	// half of what it delivers while the new one waits its round trip
	// (0.05 s × 1 MiB/s / 2, 4 KiB aligned).
	const balanced = 10*MiB + 24<<10
	// Past the floor the old connection asks again and idles that round
	// trip too, so it keeps half of the wait's 1 MiB/s less (aligned):
	// below the floor, which the split then takes.
	const pastFloor = 10*MiB - 4<<10
	cases := []struct {
		name   string
		s      slot
		rtt    float64
		wantOK bool
		wantAt int64
	}{
		{"floor past the balanced point: split at the floor", busy(0, 20*MiB, 12*MiB, 1*MiB), 0.05, true, 12 * MiB},
		{"floor before the balanced point: balanced past its pause, nothing cut", busy(0, 20*MiB, 4*MiB, 1*MiB), 0.05, true, pastFloor},
		{"floor just before the balanced point: at the floor, no request left to ask", busy(0, 20*MiB, 10*MiB, 1*MiB), 0.05, true, 10 * MiB},
		// 0.5 s for the newcomer's first byte: the balance keeps the old
		// connection 256 KiB past the halves; its own pause to ask past
		// its floor gives them back, so the 192 KiB past the floor go to
		// the newcomer rather than to one more request.
		{"a far path, the floor below the balance by less than the pause: at the floor", busy(0, 20*MiB, 10*MiB+64<<10, 1*MiB), 0.5, true, 10*MiB + 64<<10},
		{"no floor known: balanced as before", busy(0, 20*MiB, 0, 1*MiB), 0.05, true, balanced},
		{"stream runs to the end, cut worth it", busy(0, 20*MiB, 20*MiB, 1*MiB), 0.05, true, balanced},
		{"stream runs to the end on a fat link: the cut wastes too much", busy(0, 20*MiB, 20*MiB, 40*MiB), 0.05, false, 0},
		// 1.5 MiB past the request cannot halve 40 s of work; the cut at
		// the balanced point (0.5 MiB/s each: half, plus a quarter of
		// the 0.05 s wait's 0.5 MiB/s, aligned) throws away 0.3 MiB for
		// 10 MiB.
		{"too little past the request to pay: cut at the balanced point", busy(0, 20*MiB, 18*MiB+MiB/2, MiB/2), 0.05, true, 10*MiB + 12<<10},
		{"too little past the request, and the cut would not pay either", busy(0, 20*MiB, 18*MiB+MiB/2, 40*MiB), 0.05, false, 0},
		// 4 MiB left of a range whose request (to 24 MiB) was cut at 20:
		// splitting again throws nothing more away, so neither the
		// cut's size rule nor the run's budget (0 here) is asked.
		{"a request cut already: split again, no budget", busy(16*MiB, 20*MiB, 24*MiB, MiB/2), 0.05, true, 18*MiB + 12<<10},
		{"the same range with its request to the end: the cut needs a budget", busy(16*MiB, 20*MiB, 20*MiB, MiB/2), 0.05, false, 0},
		// The earlier cut threw away 64 KiB; cutting again 9 MiB lower
		// throws away a fast stream's buffers.
		{"a fast stream cut a little already: the next cut still wastes too much", busy(0, 20*MiB, 20*MiB+64<<10, 40*MiB), 0.05, false, 0},
		// The end of a download on a 90 ms path: 360 KiB to the floor and
		// 140 KiB past it at 1.5 MiB/s. Too little left for the tail's
		// thresholds, but the old connection would ask for the 140 KiB
		// only after its request ends, a round trip later; a free one
		// takes them now and nothing is cut.
		{"the end: what lies past the request goes to a free connection", slot{Segment: Segment{End: 600 << 10, Done: 100 << 10}, Busy: true, Rate: 1.5 * MiB, Floor: 460 << 10}, 0.09, true, 460 << 10},
		{"the end: a request that ends with its range soon anyway keeps it", slot{Segment: Segment{End: 600 << 10, Done: 540 << 10}, Busy: true, Rate: 1.5 * MiB, Floor: 560 << 10}, 0.09, false, 0},
		// 600 KiB past the request, below MinSplit, pays at 100 KiB/s.
		{"a small piece past the request that pays: split at the floor", busy(0, 2*MiB, 2*MiB-600<<10, 100<<10), 0.05, true, 2*MiB - 600<<10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, at, split, ok := pickWith([]slot{c.s}, tailPolicy(MiB, c.s.Rate, c.rtt))
			if ok != c.wantOK || ok && (!split || at != c.wantAt) {
				t.Fatalf("pick = at %d split %v ok %v, want at %d ok %v", at, split, ok, c.wantAt, c.wantOK)
			}
		})
	}
}

// TestSplitFloor: where a split stops cutting the stream in flight.
func TestSplitFloor(t *testing.T) {
	const MiB = 1 << 20
	cases := []struct {
		name   string
		s      Segment
		reqEnd int64
		want   int64
	}{
		{"request inside the range: its end", Segment{Start: 0, End: 20 * MiB}, 8 * MiB, 8 * MiB},
		{"request to the range's end: any split cuts", Segment{Start: 0, End: 20 * MiB}, 20 * MiB, 20 * MiB},
		{"no request known: any split cuts", Segment{Start: 0, End: 20 * MiB}, 0, 20 * MiB},
		{"request cut already: past the range", Segment{Start: 0, End: 20 * MiB}, 24 * MiB, 24 * MiB},
		{"length unknown: the request's end", Segment{Start: 0, End: -1}, 8 * MiB, 8 * MiB},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := splitFloor(c.s, c.reqEnd); got != c.want {
				t.Fatalf("splitFloor = %d, want %d", got, c.want)
			}
		})
	}
}

// TestReadBufGrows: a connection reads into the small buffer until it has
// shown itself fast.
func TestReadBufGrows(t *testing.T) {
	b := newReadBuf()
	defer b.release()
	c := newConn()
	if n := len(b.bytes(c)); n != smallChunk {
		t.Fatalf("a new connection reads into %d bytes, want %d", n, smallChunk)
	}
	c.first, c.bytes = time.Now().Add(-10*time.Millisecond), 4<<20 // 400 MiB/s
	if n := len(b.bytes(c)); n != readChunk {
		t.Fatalf("a fast connection reads into %d bytes, want %d", n, readChunk)
	}
	slow := newConn()
	slow.first, slow.bytes = time.Now().Add(-10*time.Second), 2<<20
	b2 := newReadBuf()
	defer b2.release()
	if n := len(b2.bytes(slow)); n != smallChunk {
		t.Fatalf("a slow connection reads into %d bytes, want %d", n, smallChunk)
	}
}

// TestCutPaysWithinBudget: a cut that saves more time than its bytes cost
// is made while the run's budget covers them; a fast stream's cut costs
// what its socket buffers hold, and never more than its request has left.
func TestCutPaysWithinBudget(t *testing.T) {
	const MiB = 1 << 20
	// A tail range: 1 MiB left at 1 MiB/s, its request runs to the end.
	tail := slot{Segment: Segment{Start: 0, End: 4 * MiB, Done: 3 * MiB}, Busy: true, Rate: 1 * MiB, Floor: 4 * MiB}
	pol := func(budget int64) splitPolicy {
		p := tailPolicy(MiB, 1*MiB, 0.05)
		p.taskRate, p.cutBudget = 40*MiB, budget
		return p
	}
	// freePol is p for a download of size bytes (claimLocked).
	freePol := func(p splitPolicy, size float64) splitPolicy {
		p.budgetFree = cutFreeShare * size / p.taskRate
		return p
	}
	cases := []struct {
		name  string
		s     slot
		piece int64
		pol   splitPolicy
		want  bool
	}{
		{"saves half a second, the budget covers it", tail, MiB / 2, pol(4 * MiB), true},
		{"the budget is spent", tail, MiB / 2, pol(64 << 10), false},
		{"saves too little: a sliver", tail, 16 << 10, pol(4 * MiB), false},
		{"near its request's end the cut costs only the rest of the request", slot{Segment: tail.Segment, Busy: true, Rate: 1 * MiB, Floor: 3*MiB + 700<<10}, MiB / 2, pol(256 << 10), true},
		{"a fast stream's buffers: too dear for the budget", slot{Segment: Segment{Start: 0, End: 400 * MiB, Done: 300 * MiB}, Busy: true, Rate: 500 * MiB, Floor: 400 * MiB}, 8 * MiB, pol(4 * MiB), false},
		// 3 MiB left at 0.4 MiB/s: without its past the cut costs 0.29 MiB;
		// a connection that once ran at 8 MiB/s left the sender a buffer
		// of 3 × 8 MiB/s × 50 ms.
		{"a slow stream that never ran faster", slot{Segment: Segment{Start: 0, End: 8 * MiB, Done: 5 * MiB}, Busy: true, Rate: 0.4 * MiB, Floor: 8 * MiB}, 2 * MiB, pol(MiB), true},
		{"a slow stream that once ran fast: its sender's buffer is too dear", slot{Segment: Segment{Start: 0, End: 8 * MiB, Done: 5 * MiB}, Busy: true, Rate: 0.4 * MiB, Peak: 8 * MiB, Floor: 8 * MiB}, 2 * MiB, pol(MiB), false},
		// The same straggler with 96 MiB left: an 8 MiB piece saves 20 s
		// of a download that takes 3.2 s at 40 MiB/s (pol's task rate).
		{"a straggler's cut that saves a tenth of the download pays past the budget", slot{Segment: Segment{Start: 0, End: 100 * MiB, Done: 4 * MiB}, Busy: true, Rate: 0.4 * MiB, Peak: 8 * MiB, Floor: 100 * MiB}, 8 * MiB, freePol(pol(MiB), 128*MiB), true},
		{"the same without the download's size: the budget holds", slot{Segment: Segment{Start: 0, End: 100 * MiB, Done: 4 * MiB}, Busy: true, Rate: 0.4 * MiB, Peak: 8 * MiB, Floor: 100 * MiB}, 8 * MiB, pol(MiB), false},
		{"a sender's buffer never counts past the request's end", slot{Segment: Segment{Start: 0, End: 8 * MiB, Done: 5 * MiB}, Busy: true, Rate: 0.4 * MiB, Peak: 8 * MiB, Floor: 6*MiB + 512<<10}, 2 * MiB, pol(MiB), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := cutPays(c.s, c.piece, c.pol); got != c.want {
				t.Fatalf("cutPays = %v, want %v (waste %.0f bytes)", got, c.want, cutWasteOf(c.s, c.s.End-c.piece, c.pol.rtt))
			}
		})
	}
}

// TestDrainRequest: the little left of a cut request is read to its end
// (so the transport keeps the connection); more than drainMax is left for
// Close to cut.
func TestDrainRequest(t *testing.T) {
	cases := []struct {
		name     string
		rest     int64
		body     int64 // bytes the body still holds
		eofLast  bool  // io.EOF comes with the last bytes, as net/http sends it
		wantRead int64
		wantKept bool
	}{
		{"nothing left: the body's end is read", 0, 0, false, 0, true},
		{"a little left: read to the end", 100 << 10, 100 << 10, false, 100 << 10, true},
		{"a little left, EOF with the last bytes", 100 << 10, 100 << 10, true, 100 << 10, true},
		{"exactly drainMax", drainMax, drainMax, false, drainMax, true},
		{"more than drainMax: left alone", drainMax + 1, drainMax + 1, false, 0, false},
		{"the body ends early: not kept", 100 << 10, 50 << 10, false, 50 << 10, false},
		{"the body runs on: not kept", 100 << 10, 200 << 10, false, 100<<10 + 1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var src io.Reader = io.LimitReader(zeroReader{}, c.body)
			if c.eofLast {
				src = &eofWithLast{n: c.body}
			}
			body := &countingReader{r: src}
			kept := (&run{}).drainRequest(body, make([]byte, 32<<10), c.rest)
			if body.n != c.wantRead {
				t.Fatalf("read %d bytes, want %d", body.n, c.wantRead)
			}
			if kept != c.wantKept {
				t.Fatalf("kept = %v, want %v", kept, c.wantKept)
			}
			if kept && !body.eof {
				t.Fatal("kept, but the body's end was not read: the transport would close the connection")
			}
		})
	}
}

// eofWithLast returns io.EOF together with its last bytes, as net/http's
// body does when its Content-Length is reached.
type eofWithLast struct{ n int64 }

func (e *eofWithLast) Read(p []byte) (int, error) {
	if e.n == 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), e.n)
	clear(p[:k])
	e.n -= k
	if e.n == 0 {
		return int(k), io.EOF
	}
	return int(k), nil
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

type countingReader struct {
	r   io.Reader
	n   int64
	eof bool
}

func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n += int64(k)
	if err == io.EOF {
		c.eof = true
	}
	return k, err
}

// TestFloorSplitsLeaveNoSliver: a split at or past the end of a request
// in flight never leaves the old connection, or hands a free one, a
// sliver worth less than a request of its own, and never moves a range
// whose request ends where it stands (between two requests).
func TestFloorSplitsLeaveNoSliver(t *testing.T) {
	const KiB, MiB = 1 << 10, 1 << 20
	pol := tailPolicy(MiB, 1.5*MiB, 0.09)
	busy := func(done, floor, end int64) slot {
		return slot{Segment: Segment{End: end, Done: done}, Busy: true, Rate: 1.5 * MiB, Floor: floor}
	}
	cuts := []struct {
		name    string
		s       slot
		cut     int64
		wantCut int64
	}{
		{"100 B past the floor after the pause: at the floor", busy(100*KiB, 460*KiB, 2*MiB), 460*KiB + 100 + 69*KiB, 460 * KiB},
		{"far past the floor: moved by the pause, aligned", busy(0, 4*MiB, 20*MiB), 10 * MiB, 10*MiB - 72*KiB},
		{"between two requests (floor at the position): as balanced", busy(460*KiB, 460*KiB, 2*MiB), 900 * KiB, 900 * KiB},
	}
	for _, c := range cuts {
		t.Run(c.name, func(t *testing.T) {
			if got := pol.floorCut(c.s, c.cut); got != c.wantCut {
				t.Fatalf("floorCut = %d, want %d", got, c.wantCut)
			}
		})
	}
	pays := []struct {
		name string
		s    slot
		want bool
	}{
		{"140 KiB past the floor at the end", busy(100*KiB, 460*KiB, 600*KiB), true},
		{"one byte past the floor", busy(100*KiB, 460*KiB, 460*KiB+1), false},
		{"between two requests", busy(460*KiB, 460*KiB, 600*KiB), false},
	}
	for _, c := range pays {
		t.Run(c.name, func(t *testing.T) {
			if got := floorPays(c.s, pol); got != c.want {
				t.Fatalf("floorPays = %v, want %v", got, c.want)
			}
		})
	}
}
