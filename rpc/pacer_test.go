package rpc

import (
	"math"
	"sync/atomic"
	"testing"
	"time"
)

// countingPacer is a pacer whose fires are counted; each fire records how
// many asks had begun, so a test can tell that one came after the last.
type countingPacer struct {
	*pacer
	asks, fires, seen atomic.Int64
	fired             chan struct{} // signalled on each fire
}

func newCountingPacer(window time.Duration) *countingPacer {
	p := &countingPacer{fired: make(chan struct{}, 1)}
	p.pacer = newPacer(window, func() {
		p.fires.Add(1)
		p.seen.Store(p.asks.Load())
		select {
		case p.fired <- struct{}{}:
		default: // one waiting wakes the reader: it reads seen
		}
	})
	return p
}

func (p *countingPacer) ask() {
	p.asks.Add(1)
	p.pacer.ask()
}

// awaitSeen waits, generously, for a fire after the n-th ask began.
func (p *countingPacer) awaitSeen(t *testing.T, n int64) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for p.seen.Load() < n {
		select {
		case <-p.fired:
		case <-timeout:
			t.Fatalf("no fire after ask %d (%d fires, the last after ask %d)", n, p.fires.Load(), p.seen.Load())
		}
	}
}

// TestPacerBurst: asks without pause for many windows fire at most once
// per window plus the leading one (ceil(elapsed/window)+1), and a fire
// follows the last ask. The bound is taken from the time the burst
// really took, so a slow machine loosens it rather than failing.
func TestPacerBurst(t *testing.T) {
	const window = 5 * time.Millisecond
	p := newCountingPacer(window)
	defer p.stop()
	began := time.Now()
	for time.Since(began) < 20*window || p.asks.Load() < 1000 {
		p.ask()
	}
	elapsed := time.Since(began)
	n := p.asks.Load()
	p.awaitSeen(t, n)
	limit := int64(math.Ceil(float64(elapsed)/float64(window))) + 1
	if got := p.fires.Load(); got > limit {
		t.Errorf("%d asks in %v fired %d times, want at most %d", n, elapsed, got, limit)
	}
}

// TestPacerLeadingEdge: a lone ask fires before it returns, without
// waiting for a window; an ask inside the window that opens waits for its
// end.
func TestPacerLeadingEdge(t *testing.T) {
	p := newCountingPacer(time.Hour)
	defer p.stop()
	p.ask()
	if got := p.fires.Load(); got != 1 {
		t.Fatalf("a lone ask fired %d times, want 1 at once", got)
	}
	p.ask()
	if got := p.fires.Load(); got != 1 {
		t.Errorf("an ask inside the window fired at once (%d fires)", got)
	}
}

// TestPacerStop: after stop nothing fires, neither what was asked inside
// the open window nor a later ask. Many pacers stopped at various points
// of their window let the race detector see stop meet windowEnd.
func TestPacerStop(t *testing.T) {
	const window = time.Millisecond
	ps := make([]*countingPacer, 100)
	atStop := make([]int64, len(ps))
	for i := range ps {
		p := newCountingPacer(window)
		ps[i] = p
		// Asked for up to two windows: the later pacers stop with a
		// trailing fire owed, due, or under way.
		began, d := time.Now(), time.Duration(i)*window/50
		p.ask()
		for time.Since(began) < d {
			p.ask()
		}
		p.stop()
		atStop[i] = p.fires.Load()
		p.ask()
	}
	// Every window that was open has ended by now, if it was not stopped.
	<-time.After(50 * window)
	for i, p := range ps {
		if got := p.fires.Load(); got != atStop[i] {
			t.Errorf("pacer %d fired %d times after stop", i, got-atStop[i])
		}
	}
}
