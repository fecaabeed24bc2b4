package gui

import (
	"context"
	"testing"

	"haul/downloader"
)

// TestBridgeCarriesFinishes: a finish is an event carried through the
// coalescing, whatever else the same tick merged with it.
func TestBridgeCarriesFinishes(t *testing.T) {
	st := func(id string, s downloader.State) downloader.Snapshot {
		return downloader.Snapshot{ID: id, State: s}
	}
	type step struct {
		kind downloader.EventKind
		snap downloader.Snapshot
	}
	cases := []struct {
		name   string
		seeded []downloader.Snapshot // what the window listed at start
		steps  []step                // all within one tick
		want   []string              // ids notified, in order
	}{
		{"added and completed in one tick", nil, []step{
			{downloader.EventAdded, st("a", downloader.StateQueued)},
			{downloader.EventChanged, st("a", downloader.StateActive)},
			{downloader.EventChanged, st("a", downloader.StateCompleted)},
		}, []string{"a"}},
		{"added and failed (404) in one tick", nil, []step{
			{downloader.EventAdded, st("a", downloader.StateQueued)},
			{downloader.EventChanged, st("a", downloader.StateFailed)},
		}, []string{"a"}},
		{"finished then removed in one tick", nil, []step{
			{downloader.EventChanged, st("a", downloader.StateCompleted)},
			{downloader.EventRemoved, st("a", downloader.StateCompleted)},
		}, []string{"a"}},
		{"a task listed completed is renamed", []downloader.Snapshot{st("a", downloader.StateCompleted)}, []step{
			{downloader.EventChanged, st("a", downloader.StateCompleted)},
		}, nil},
		{"repeated completed events count once", nil, []step{
			{downloader.EventChanged, st("a", downloader.StateCompleted)},
			{downloader.EventChanged, st("a", downloader.StateCompleted)},
		}, []string{"a"}},
		{"restarted and finished again", []downloader.Snapshot{st("a", downloader.StateFailed)}, []step{
			{downloader.EventChanged, st("a", downloader.StateActive)},
			{downloader.EventChanged, st("a", downloader.StateCompleted)},
		}, []string{"a"}},
		{"two tasks", nil, []step{
			{downloader.EventAdded, st("a", downloader.StateQueued)},
			{downloader.EventAdded, st("b", downloader.StateQueued)},
			{downloader.EventChanged, st("b", downloader.StateFailed)},
			{downloader.EventChanged, st("a", downloader.StateCompleted)},
		}, []string{"b", "a"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			events := make(chan downloader.Event, len(tc.steps))
			var got []string
			calls := 0
			b := newBridge(events, func(q batch) {
				calls++
				for _, s := range q.finished {
					got = append(got, s.ID)
				}
			})
			b.do = func(f func()) { f() }
			b.seed(tc.seeded)
			for _, s := range tc.steps {
				events <- downloader.Event{Kind: s.kind, Task: s.snap}
			}
			close(events)
			b.run(context.Background(), nil)
			if calls != 1 {
				t.Errorf("%d batches, want 1", calls)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("finishes %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("finishes %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// TestFinishedNotificationWording: grouped notifications count in the
// singular and plural as English needs, and say which part failed.
func TestFinishedNotificationWording(t *testing.T) {
	LoadTranslations("en")
	c := downloader.Snapshot{ID: "c", Name: "a b.iso", State: downloader.StateCompleted, Size: 2048, Folder: "/home/me/Downloads"}
	f := downloader.Snapshot{ID: "f", URL: "https://example.com/x%20y.bin", State: downloader.StateFailed, Error: "The server says the file does not exist."}
	cases := []struct {
		done        []downloader.Snapshot
		title, body string
	}{
		{[]downloader.Snapshot{c}, "a b.iso", "Downloaded 2.0 KiB to Downloads"},
		{[]downloader.Snapshot{f}, "Download failed: x y.bin", f.Error},
		{[]downloader.Snapshot{c, c}, "Haul", "2 downloads finished"},
		{[]downloader.Snapshot{f, f, f}, "Haul", "3 downloads failed"},
		{[]downloader.Snapshot{c, f}, "Haul", "1 download finished, 1 failed"},
		{[]downloader.Snapshot{c, c, f}, "Haul", "2 downloads finished, 1 failed"},
	}
	for _, tc := range cases {
		n := finishedNotification(tc.done)
		if n.Title != tc.title || n.Body != tc.body {
			t.Errorf("%d finishes: %q / %q, want %q / %q", len(tc.done), n.Title, n.Body, tc.title, tc.body)
		}
	}
}
