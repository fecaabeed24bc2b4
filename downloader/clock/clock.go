// Package clock is the time source of Haul's schedule: the system clock,
// and a manual clock that tests move by hand.
package clock

import (
	"slices"
	"sync"
	"time"
)

// Clock tells the time and arms timers. Code that waits for a time of day
// reads the time only through it, so tests drive it across midnight, days
// and DST changes without waiting.
type Clock interface {
	// Now is the current local time.
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has passed.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is an armed AfterFunc.
type Timer interface {
	// Stop prevents the call if it has not happened; it reports whether it
	// did so.
	Stop() bool
}

// System is the operating system's clock.
type System struct{}

func (System) Now() time.Time { return time.Now() }

func (System) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// Manual is a Clock moved by hand. Advance and Set fire due timers in
// deadline order on the calling goroutine, so when they return every
// effect of the passed time has happened.
type Manual struct {
	mu     sync.Mutex
	now    time.Time
	timers []*manualTimer
}

type manualTimer struct {
	c  *Manual
	at time.Time
	f  func()
}

// NewManual returns a Manual clock reading now.
func NewManual(now time.Time) *Manual { return &Manual{now: now} }

func (c *Manual) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *Manual) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &manualTimer{c: c, at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return t
}

func (t *manualTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	i := slices.Index(t.c.timers, t)
	if i < 0 {
		return false
	}
	t.c.timers = slices.Delete(t.c.timers, i, i+1)
	return true
}

// Advance moves the clock by d, firing every timer that falls due.
func (c *Manual) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// Set moves the clock to to, firing every timer that falls due.
func (c *Manual) Set(to time.Time) {
	for {
		c.mu.Lock()
		var due *manualTimer
		for _, t := range c.timers {
			if !t.at.After(to) && (due == nil || t.at.Before(due.at)) {
				due = t
			}
		}
		if due == nil {
			c.now = to
			c.mu.Unlock()
			return
		}
		c.timers = slices.DeleteFunc(c.timers, func(t *manualTimer) bool { return t == due })
		if due.at.After(c.now) {
			c.now = due.at
		}
		c.mu.Unlock()
		due.f()
	}
}

// Armed is how many timers wait.
func (c *Manual) Armed() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}
