package rpc

import (
	"sync"
	"time"
)

// pacer calls fire at most about once per window however often it is
// asked: at once when no window is open (the leading edge, so a lone
// request waits for nothing), and once more at the window's end if it was
// asked again inside it (the trailing edge, so the last request is never
// dropped). A fire opens the next window. Each connection that listens
// for haul.onChange owns one (changes.go).
//
// It starts no goroutine of its own: the open window is one
// time.AfterFunc timer, which stop ends. fire runs with the pacer's lock
// held, so after stop returns it never runs again; it must not block or
// call the pacer.
type pacer struct {
	window time.Duration
	fire   func()

	mu      sync.Mutex
	timer   *time.Timer // the open window's end; nil when none is open
	owed    bool        // asked inside the open window
	stopped bool
}

// newPacer returns a pacer that calls fire at most once per window.
func newPacer(window time.Duration, fire func()) *pacer {
	return &pacer{window: window, fire: fire}
}

// ask requests a fire: now if no window is open, else at its end.
func (p *pacer) ask() {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.stopped:
	case p.timer != nil:
		p.owed = true
	default:
		p.fire()
		p.timer = time.AfterFunc(p.window, p.windowEnd)
	}
}

// windowEnd fires what was asked inside the window that ends, which opens
// another; a window nobody asked in closes, and the next ask fires at
// once.
func (p *pacer) windowEnd() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	if !p.owed {
		p.timer = nil
		return
	}
	p.owed = false
	p.fire()
	p.timer.Reset(p.window)
}

// stop ends the open window without firing; later asks do nothing. A
// windowEnd already waiting for the lock finds the pacer stopped.
func (p *pacer) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stopped = true
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
}
