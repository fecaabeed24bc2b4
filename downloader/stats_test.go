package downloader

import "testing"

// TestStatsOf: tasks are counted by state and only active ones add
// their speed.
func TestStatsOf(t *testing.T) {
	got := StatsOf([]Snapshot{
		{State: StateActive, Speed: 100}, {State: StateActive, Speed: 50},
		{State: StateQueued, Speed: 7}, {State: StatePaused}, {State: StateCompleted, Speed: 9},
		{State: StateFailed}, {State: StateFailed},
	})
	want := Stats{Speed: 150, Active: 2, Queued: 1, Paused: 1, Completed: 1, Failed: 2}
	if got != want {
		t.Fatalf("StatsOf = %+v, want %+v", got, want)
	}
	if (StatsOf(nil) != Stats{}) {
		t.Fatal("StatsOf(nil) is not zero")
	}
}
