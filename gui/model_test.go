package gui

import (
	"fmt"
	"slices"
	"testing"

	"haul/downloader"
)

func snap(id string, st downloader.State, pos int) downloader.Snapshot {
	return downloader.Snapshot{ID: id, Name: id, State: st, Position: pos, Size: 100, ETA: -1}
}

func ev(k downloader.EventKind, s downloader.Snapshot) downloader.Event {
	return downloader.Event{Kind: k, Task: s}
}

func TestModelRebuildsOnlyWhenOrderCanChange(t *testing.T) {
	m := newTaskModel()
	ch := m.apply([]downloader.Event{
		ev(downloader.EventAdded, snap("b", downloader.StateActive, 1)),
		ev(downloader.EventAdded, snap("a", downloader.StateQueued, 0)),
		ev(downloader.EventAdded, snap("c", downloader.StateCompleted, 2)),
	})
	if !ch.rebuilt || !slices.Equal(m.view, []string{"a", "b", "c"}) {
		t.Fatalf("after adding: rebuilt %v view %v", ch.rebuilt, m.view)
	}

	b := snap("b", downloader.StateActive, 1)
	b.Done, b.Speed = 50, 10
	ch = m.apply([]downloader.Event{ev(downloader.EventProgress, b)})
	if ch.rebuilt || !slices.Equal(ch.ids, []string{"b"}) {
		t.Errorf("progress: rebuilt %v ids %v, want only b", ch.rebuilt, ch.ids)
	}
	if m.speed != 10 {
		t.Errorf("total speed %d, want 10", m.speed)
	}

	b.State = downloader.StateCompleted
	ch = m.apply([]downloader.Event{ev(downloader.EventChanged, b)})
	if !ch.rebuilt {
		t.Errorf("completion did not rebuild the view")
	}
	if m.speed != 0 || m.counts[FilterCompleted] != 2 || m.counts[FilterDownloading] != 0 || m.counts[FilterAll] != 3 {
		t.Errorf("counts %v speed %d after completion", m.counts, m.speed)
	}

	m.setFilter(FilterCompleted)
	if !slices.Equal(m.view, []string{"b", "c"}) || m.index["c"] != 1 {
		t.Errorf("Completed view %v index %v", m.view, m.index)
	}
	m.apply([]downloader.Event{ev(downloader.EventRemoved, b)})
	if !slices.Equal(m.view, []string{"c"}) || m.counts[FilterAll] != 2 {
		t.Errorf("after removal view %v counts %v", m.view, m.counts)
	}
	m.apply([]downloader.Event{ev(downloader.EventRemoved, b)}) // twice is harmless
	if m.counts[FilterAll] != 2 {
		t.Errorf("a repeated removal changed counts to %v", m.counts)
	}
}

func TestModelSort(t *testing.T) {
	m := newTaskModel()
	x, y, z := snap("x", downloader.StateQueued, 0), snap("y", downloader.StateQueued, 1), snap("z", downloader.StateQueued, 2)
	x.Name, y.Name, z.Name = "b.zip", "A.iso", "c.mp4"
	x.Size, y.Size, z.Size = 30, 10, 20
	m.apply([]downloader.Event{ev(downloader.EventAdded, x), ev(downloader.EventAdded, y), ev(downloader.EventAdded, z)})
	m.setSort(sortName)
	if !slices.Equal(m.view, []string{"y", "x", "z"}) {
		t.Errorf("by name: %v", m.view)
	}
	m.setSort(sortName)
	if !slices.Equal(m.view, []string{"z", "x", "y"}) {
		t.Errorf("by name, descending: %v", m.view)
	}
	m.setSort(sortSize)
	if !slices.Equal(m.view, []string{"y", "z", "x"}) {
		t.Errorf("by size: %v", m.view)
	}
}

func TestStatusTextPhases(t *testing.T) {
	cases := []struct {
		s    downloader.Snapshot
		want string
	}{
		{downloader.Snapshot{State: downloader.StateActive, Phase: downloader.PhaseProbing}, "Connecting…"},
		{downloader.Snapshot{State: downloader.StateActive, Phase: downloader.PhaseDownloading, Connections: 1}, "Downloading · 1 connection"},
		{downloader.Snapshot{State: downloader.StateActive, Phase: downloader.PhaseRetrying, Error: "server answered 503 Service Unavailable"}, "Retrying: server answered 503 Service Unavailable"},
		{downloader.Snapshot{State: downloader.StateActive, Phase: downloader.PhaseWaitingNetwork}, "Waiting for the network…"},
		{downloader.Snapshot{State: downloader.StatePaused, Error: "not enough disk space"}, "Paused: not enough disk space"},
		{downloader.Snapshot{State: downloader.StateQueued}, "Queued"},
		{downloader.Snapshot{Broken: true, State: downloader.StateFailed}, "Unreadable record: remove this task"},
	}
	LoadTranslations(LanguageSystem)
	for _, c := range cases {
		if got := statusText(&c.s); got != c.want {
			t.Errorf("%s/%s: %q, want %q", c.s.State, c.s.Phase, got, c.want)
		}
	}
}

func TestParseLinks(t *testing.T) {
	LoadTranslations(LanguageSystem)
	valid, problems := parseLinks("https://a.example/x\n\n# note\nhttp://b.example/y https://c.example/z\nfile:///etc/passwd\nexample.com/q")
	if !slices.Equal(valid, []string{"https://a.example/x", "http://b.example/y", "https://c.example/z"}) {
		t.Errorf("valid %v", valid)
	}
	if len(problems) != 2 || problems[0] != "Line 5: “file:///etc/passwd” is not an http or https address." {
		t.Errorf("problems %q", problems)
	}
}

// benchTasks is a queue of n tasks, a few running.
func benchTasks(n int) []downloader.Snapshot {
	tasks := make([]downloader.Snapshot, n)
	for i := range tasks {
		st := downloader.StateQueued
		if i%100 == 0 {
			st = downloader.StateActive
		}
		tasks[i] = downloader.Snapshot{
			ID: fmt.Sprintf("t%05d", i), URL: fmt.Sprintf("https://example.com/file%05d.bin", i),
			Name: fmt.Sprintf("file%05d.bin", i), Size: 1 << 30, ETA: -1, State: st, Position: i,
		}
	}
	return tasks
}
