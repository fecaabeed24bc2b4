package gui

import "time"

// pace is when the bridge flushes next. wait is asked before every wait
// with whether events are pending and returns the channel that says
// "flush now" (nil: none); fired is called when it did.
type pace interface {
	wait(pending bool) <-chan time.Time
	fired()
}

// fixedPace flushes on every tick of a ticker the caller owns.
type fixedPace <-chan time.Time

func (f fixedPace) wait(bool) <-chan time.Time { return f }
func (fixedPace) fired()                       {}

// lazyPace arms a timer when the first event of a batch arrives and lets
// it lapse when nothing is pending, so an idle window never wakes.
// A batch still waits at most one interval, and an armed timer is kept
// while a previous batch is on the UI goroutine, so nothing pending is
// left behind.
type lazyPace struct {
	every time.Duration
	timer *time.Timer
	armed bool
}

func newLazyPace(every time.Duration) *lazyPace {
	t := time.NewTimer(every)
	t.Stop()
	return &lazyPace{every: every, timer: t}
}

func (p *lazyPace) wait(pending bool) <-chan time.Time {
	switch {
	case !pending:
		// Nothing to flush. An armed timer may keep running: it fires
		// once more at most and finds nothing (flush is a no-op then).
		if !p.armed {
			return nil
		}
	case !p.armed:
		p.timer.Reset(p.every)
		p.armed = true
	}
	return p.timer.C
}

func (p *lazyPace) fired() { p.armed = false }

func (p *lazyPace) stop() { p.timer.Stop() }
