package remote

import (
	"slices"
	"testing"

	"haul/downloader"
)

func TestDiffAndLeftQueue(t *testing.T) {
	snap := func(id string, st downloader.State, done int64) downloader.Snapshot {
		return downloader.Snapshot{ID: id, State: st, Done: done, Size: 100}
	}
	old := []downloader.Snapshot{snap("a", downloader.StateActive, 10), snap("b", downloader.StateQueued, 0), snap("c", downloader.StateCompleted, 100)}
	cur := []downloader.Snapshot{snap("a", downloader.StateActive, 20), snap("b", downloader.StatePaused, 0), snap("d", downloader.StateQueued, 0)}
	var got []string
	for _, ev := range diff(old, cur) {
		got = append(got, ev.Task.ID+":"+map[downloader.EventKind]string{
			downloader.EventAdded: "added", downloader.EventChanged: "changed",
			downloader.EventProgress: "progress", downloader.EventRemoved: "removed"}[ev.Kind])
	}
	want := []string{"a:progress", "b:changed", "d:added", "c:removed"}
	if !slices.Equal(got, want) {
		t.Errorf("diff = %v, want %v", got, want)
	}
	if diff(cur, cur) != nil {
		t.Error("no change gave events")
	}
	tests := []struct {
		name  string
		queue []downloader.Snapshot
		want  bool
	}{
		{"a new one joined", []downloader.Snapshot{old[0], old[1], snap("d", downloader.StateQueued, 0)}, false},
		{"active one left", []downloader.Snapshot{old[1]}, true},
		{"finished ones do not count", []downloader.Snapshot{old[0], old[1]}, false},
	}
	for _, tt := range tests {
		if got := leftQueue(old, tt.queue); got != tt.want {
			t.Errorf("%s: leftQueue = %v, want %v", tt.name, got, tt.want)
		}
	}
}
