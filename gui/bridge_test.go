package gui

import (
	"context"
	"testing"
	"time"

	"haul/downloader"
)

// TestBridgeCoalesces: many events between two ticks reach the UI as one
// fyne.Do carrying the newest snapshot of each task.
func TestBridgeCoalesces(t *testing.T) {
	events := make(chan downloader.Event, 1000)
	var batches [][]downloader.Event
	b := newBridge(events, func(q batch) { batches = append(batches, q.events) })
	dos := 0
	b.do = func(f func()) { dos++; f() }

	snap := func(id string, done int64) downloader.Snapshot {
		return downloader.Snapshot{ID: id, Done: done, State: downloader.StateActive}
	}
	events <- downloader.Event{Kind: downloader.EventAdded, Task: snap("new", 0)}
	for i := range int64(300) {
		events <- downloader.Event{Kind: downloader.EventProgress, Task: snap("a", i)}
		events <- downloader.Event{Kind: downloader.EventProgress, Task: snap("b", i)}
		events <- downloader.Event{Kind: downloader.EventProgress, Task: snap("new", i)}
	}
	events <- downloader.Event{Kind: downloader.EventChanged, Task: snap("gone", 0)}
	events <- downloader.Event{Kind: downloader.EventRemoved, Task: snap("gone", 0)}
	close(events)

	// No tick: closing the subscription flushes what is left.
	b.run(context.Background(), nil)

	if dos != 1 || len(batches) != 1 {
		t.Fatalf("%d events became %d fyne.Do calls, want 1", 303, dos)
	}
	got := batches[0]
	want := []struct {
		id   string
		kind downloader.EventKind
		done int64
	}{
		{"new", downloader.EventAdded, 299}, // still announced as new
		{"a", downloader.EventProgress, 299},
		{"b", downloader.EventProgress, 299},
		{"gone", downloader.EventRemoved, 0},
	}
	if len(got) != len(want) {
		t.Fatalf("batch has %d events, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].Task.ID != w.id || got[i].Kind != w.kind || got[i].Task.Done != w.done {
			t.Errorf("event %d = %s kind %d done %d, want %+v", i, got[i].Task.ID, got[i].Kind, got[i].Task.Done, w)
		}
	}
}

// TestBridgeOneBatchInFlight: while the UI goroutine has not run a batch,
// ticks do not queue more; events wait for the next one.
func TestBridgeOneBatchInFlight(t *testing.T) {
	events := make(chan downloader.Event)
	tick := make(chan time.Time)
	applied := 0
	b := newBridge(events, func(q batch) { applied += len(q.events) })
	var queued []func()
	b.do = func(f func()) { queued = append(queued, f) }

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.run(ctx, tick); close(done) }()

	send := func(id string) {
		events <- downloader.Event{Kind: downloader.EventProgress, Task: downloader.Snapshot{ID: id}}
	}
	send("a")
	tick <- time.Time{}
	send("b")
	tick <- time.Time{}
	tick <- time.Time{}
	cancel()
	<-done

	if len(queued) != 1 {
		t.Fatalf("%d batches queued while the first was pending, want 1", len(queued))
	}
	queued[0]() // the UI goroutine runs it: it takes everything pending
	if applied != 2 {
		t.Errorf("applied %d events, want both", applied)
	}
	if b.inFlight.Load() {
		t.Error("bridge still thinks a batch is in flight")
	}
}

// TestBridgeNeverBlocksEngine: with the UI stalled, the bridge keeps
// draining the engine's channel.
func TestBridgeNeverBlocksEngine(t *testing.T) {
	events := make(chan downloader.Event) // unbuffered: a send waits for the bridge
	b := newBridge(events, func(batch) {})
	b.do = func(func()) {} // a UI that never runs anything
	tick := make(chan time.Time, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go b.run(ctx, tick)

	deadline := time.After(5 * time.Second)
	for i := range 10000 {
		select {
		case events <- downloader.Event{Kind: downloader.EventProgress, Task: downloader.Snapshot{ID: string(rune('a' + i%26))}}:
		case <-deadline:
			t.Fatalf("engine blocked after %d events", i)
		}
		if i%100 == 0 {
			select {
			case tick <- time.Time{}:
			default:
			}
		}
	}
}
