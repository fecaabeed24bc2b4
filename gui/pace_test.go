package gui

import (
	"context"
	"testing"
	"time"

	"haul/downloader"
)

// TestLazyPace: the flush timer exists only while something is pending.
func TestLazyPace(t *testing.T) {
	p := newLazyPace(time.Millisecond)
	defer p.stop()
	if p.wait(false) != nil {
		t.Fatal("idle: a flush channel was armed with nothing pending")
	}
	c := p.wait(true)
	if c == nil {
		t.Fatal("pending: no flush channel")
	}
	if p.wait(true) != c {
		t.Fatal("a second event re-armed the timer instead of keeping it")
	}
	select {
	case <-c:
	case <-time.After(5 * time.Second):
		t.Fatal("the armed timer never fired")
	}
	p.fired()
	if p.wait(false) != nil {
		t.Fatal("after the flush with nothing pending the timer is still armed")
	}
	if p.wait(true) == nil {
		t.Fatal("a new event after idling did not arm the timer")
	}
}

// TestBridgePacedDeliversFinishes: with the lazy pace (no ticker from
// outside), progress and a finish still reach the UI, the finish as an
// event, and the bridge goes quiet afterwards.
func TestBridgePacedDeliversFinishes(t *testing.T) {
	events := make(chan downloader.Event)
	applied := make(chan batch, 16)
	b := newBridge(events, func(q batch) { applied <- q })
	b.do = func(f func()) { f() }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.runPaced(ctx, time.Millisecond); close(done) }()

	events <- downloader.Event{Kind: downloader.EventProgress, Task: downloader.Snapshot{ID: "a", State: downloader.StateActive}}
	events <- downloader.Event{Kind: downloader.EventChanged, Task: downloader.Snapshot{ID: "a", State: downloader.StateCompleted}}
	var finished []string
	deadline := time.After(5 * time.Second)
	for len(finished) == 0 {
		select {
		case q := <-applied:
			for _, s := range q.finished {
				finished = append(finished, s.ID)
			}
		case <-deadline:
			t.Fatal("the finish never reached the UI")
		}
	}
	cancel()
	<-done
	if len(finished) != 1 || finished[0] != "a" {
		t.Fatalf("finishes %v, want [a]", finished)
	}
	if b.hasPending() {
		t.Error("events left pending after the paced flush")
	}
}
