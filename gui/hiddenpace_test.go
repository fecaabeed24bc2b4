package gui

import (
	"sync/atomic"
	"testing"
	"time"
)

// loop stands in for Fyne's: it runs queued funcs one at a time on its own
// goroutine, like the UI goroutine.
type loop struct {
	queue   chan func()
	running chan struct{} // one as each func begins
	ran     chan int      // after each func: how many funcs were queued then
}

func newLoop() *loop {
	return &loop{queue: make(chan func(), 64), running: make(chan struct{}, 1024), ran: make(chan int, 1024)}
}

func (l *loop) post(f func()) { l.queue <- f }

func (l *loop) run(stop <-chan struct{}) {
	for {
		select {
		case f := <-l.queue:
			l.running <- struct{}{}
			f()
			l.ran <- len(l.queue)
		case <-stop:
			return
		}
	}
}

// await fails the test when ch yields nothing in a long while: the thing
// awaited is stuck (no timing is measured).
func await[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("stuck: %s", what)
	}
	var zero T
	return zero
}

// TestHiddenPacer: a started pacer keeps exactly one chain of holds going
// (starting twice, or again after a stop, adds none); stopping it, or
// closing the UI, ends a running hold at once, so work queued behind it
// runs, and queues no further hold.
func TestHiddenPacer(t *testing.T) {
	setup := func(t *testing.T, every time.Duration) (*loop, *hiddenPacer, chan struct{}) {
		l := newLoop()
		stop, closed := make(chan struct{}), make(chan struct{})
		t.Cleanup(func() { close(stop) })
		go l.run(stop)
		p := newHiddenPacer(l.post, closed)
		p.every = every
		return l, p, closed
	}
	// marker queues a func behind whatever is queued and waits for it.
	marker := func(t *testing.T, l *loop, what string) {
		t.Helper()
		ch := make(chan struct{})
		l.post(func() { close(ch) })
		await(t, ch, what)
	}

	t.Run("one chain", func(t *testing.T) {
		l, p, _ := setup(t, time.Millisecond)
		p.start()
		p.start()
		for range 30 {
			if n := await(t, l.ran, "the holds stopped"); n > 1 {
				t.Fatalf("%d holds queued at once: more than one chain", n)
			}
		}
		p.stop()
		marker(t, l, "the loop stuck after stop") // lets a hold of the old chain run out
		p.start()                                 // again after a stop
		for range 30 {
			if n := await(t, l.ran, "the holds stopped after a restart"); n > 1 {
				t.Fatalf("%d holds queued at once after a restart: more than one chain", n)
			}
		}
		if !p.pacing() {
			t.Fatal("not pacing after start")
		}
	})
	t.Run("stop ends a hold at once", func(t *testing.T) {
		l, p, _ := setup(t, time.Hour)
		p.start()
		await(t, l.running, "the first hold never ran")
		p.stop()
		marker(t, l, "work queued behind the hold waited out the hour")
		if n := len(l.queue); n != 0 || p.pacing() {
			t.Fatalf("after stop: %d holds queued, pacing %v; want none", n, p.pacing())
		}
	})
	t.Run("closing the UI ends a hold", func(t *testing.T) {
		l, p, closed := setup(t, time.Hour)
		p.start()
		await(t, l.running, "the first hold never ran")
		close(closed)
		marker(t, l, "work queued behind the hold waited out the hour")
		if n := len(l.queue); n != 0 {
			t.Fatalf("after close: %d holds queued, want none", n)
		}
	})
	t.Run("a loop that stopped ends the chain", func(t *testing.T) {
		// After Quit, fyne.Do runs a func at once on the calling goroutine.
		var posts atomic.Int32
		ended := make(chan struct{})
		p := newHiddenPacer(func(f func()) {
			n := posts.Add(1)
			if n <= 100 { // without end, the holds would nest for ever
				f()
			}
			if n == 1 {
				close(ended)
			}
		}, make(chan struct{}))
		p.every = time.Millisecond
		p.start()
		await(t, ended, "the first hold never returned")
		if n := posts.Load(); n != 2 || p.pacing() {
			t.Fatalf("%d posts, pacing %v; want 2 (the start and the hold that found the loop stopped), not pacing", n, p.pacing())
		}
	})
	t.Run("nil pacer", func(t *testing.T) {
		var p *hiddenPacer // Options.PaceHidden unset
		p.start()
		p.stop()
		if p.pacing() {
			t.Fatal("a nil pacer paces")
		}
	})
}
