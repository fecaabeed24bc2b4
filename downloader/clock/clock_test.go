package clock

import (
	"slices"
	"testing"
	"time"
)

func TestManualFiresInDeadlineOrder(t *testing.T) {
	start := time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC)
	c := NewManual(start)
	var fired []string
	var at []time.Time
	rec := func(name string) func() {
		return func() { fired = append(fired, name); at = append(at, c.Now()) }
	}
	c.AfterFunc(2*time.Hour, rec("b"))
	c.AfterFunc(time.Hour, func() {
		rec("a")()
		c.AfterFunc(30*time.Minute, rec("a+30m")) // armed by a timer, due within the same Advance
	})
	stopped := c.AfterFunc(90*time.Minute, rec("stopped"))
	if !stopped.Stop() || stopped.Stop() {
		t.Fatal("Stop must report true once, then false")
	}
	c.Advance(3 * time.Hour)
	if want := []string{"a", "a+30m", "b"}; !slices.Equal(fired, want) {
		t.Fatalf("fired %v, want %v", fired, want)
	}
	if !at[1].Equal(start.Add(90*time.Minute)) || !c.Now().Equal(start.Add(3*time.Hour)) {
		t.Errorf("times %v, now %v", at, c.Now())
	}
	if c.Armed() != 0 {
		t.Errorf("%d timers left", c.Armed())
	}
}
