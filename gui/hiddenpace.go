package gui

import (
	"sync/atomic"
	"time"
)

// While the window is hidden in the tray, Fyne 2.7's loop still wakes 60
// times a second to poll for events and walk the windows (fyne-io/fyne#2506):
// about 1.5 % of a core for a window nobody sees, all day. The pacer holds
// that loop on the UI goroutine for hiddenPace at a time, so it turns about
// five times a second instead. Work queued meanwhile (a tray click, the
// bridge's batch, a notification) waits at most one hold; anything that
// shows the window stops the pacer first, which ends the hold at once.
const hiddenPace = 200 * time.Millisecond

// hiddenPacer is one chain of holds at a time: start begins a chain, stop
// ends it, and a hold from an older chain finds itself stale and returns.
type hiddenPacer struct {
	post  func(func())    // queue a func on the UI goroutine (fyne.Do)
	every time.Duration   // hiddenPace; tests shorten it
	done  <-chan struct{} // closed when the UI closes
	wake  chan struct{}   // cuts the running hold short
	gen   atomic.Uint64   // chains started
	cur   atomic.Uint64   // the running chain; 0 = none
	inner atomic.Bool     // a hold is running
}

func newHiddenPacer(post func(func()), done <-chan struct{}) *hiddenPacer {
	return &hiddenPacer{post: post, every: hiddenPace, done: done, wake: make(chan struct{}, 1)}
}

// start begins pacing the loop; from any goroutine; while pacing, nothing.
func (p *hiddenPacer) start() {
	if p == nil || p.cur.Load() != 0 {
		return
	}
	g := p.gen.Add(1)
	p.cur.Store(g)
	// From a goroutine, so Fyne queues it even before its loop runs.
	go p.post(func() { p.hold(g) })
}

// stop ends pacing and the running hold at once; from any goroutine.
func (p *hiddenPacer) stop() {
	if p == nil || p.cur.Swap(0) == 0 {
		return
	}
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// pacing reports whether a chain runs.
func (p *hiddenPacer) pacing() bool { return p != nil && p.cur.Load() != 0 }

// hold runs on the UI goroutine: it keeps the loop for one interval, then
// queues the next hold of its chain, unless the chain was stopped.
//
// Once the app quits (the menu, when-done, SIGTERM), Fyne's loop has
// stopped and fyne.Do runs the func at once instead of queueing it: the
// next hold would start inside this one, and so on for as long as the
// process lives, with the loop never getting back to its exit. A hold
// that finds one already running is that case, and ends the chain.
func (p *hiddenPacer) hold(g uint64) {
	if p.cur.Load() != g {
		return
	}
	if !p.inner.CompareAndSwap(false, true) {
		p.cur.CompareAndSwap(g, 0)
		return
	}
	defer p.inner.Store(false)
	t := time.NewTimer(p.every)
	defer t.Stop()
	select {
	case <-t.C:
	case <-p.wake:
	case <-p.done:
		return
	}
	if p.cur.Load() == g {
		p.post(func() { p.hold(g) })
	}
}
