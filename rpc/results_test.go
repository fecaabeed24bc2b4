package rpc

import (
	"testing"

	"haul/downloader"
)

// TestResultsLateRemovedEvent: the engine's EventRemoved can arrive after
// the client purged or removed the result; it must not bring it back.
func TestResultsLateRemovedEvent(t *testing.T) {
	cases := []struct {
		name  string
		clear func(r *results, id string)
	}{
		{"purgeDownloadResult", func(r *results, _ string) { r.purge() }},
		{"removeDownloadResult", func(r *results, id string) { r.forget(id) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newResults()
			snap := downloader.Snapshot{ID: "00000000000000a1", State: downloader.StateQueued}
			r.add(snap) // the remove method records it at once
			c.clear(r, snap.ID)
			r.add(snap) // the late event
			if _, ok := r.get(snap.ID); ok {
				t.Fatal("the cleared result came back")
			}
			if n, _ := r.counts(); n != 0 {
				t.Fatalf("%d results kept, want 0", n)
			}
			other := downloader.Snapshot{ID: "00000000000000b2"}
			r.add(other)
			if _, ok := r.get(other.ID); !ok {
				t.Fatal("a later removal was not recorded")
			}
		})
	}
}
