package gui

import (
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"haul/downloader"
)

// rowFixture is a table over tasks with one row widget in a window, so a
// test can show any row in it and read what would be drawn.
func rowFixture(t *testing.T, tasks ...downloader.Snapshot) (*taskModel, *taskRow) {
	t.Helper()
	applyTheme(test.NewTempApp(t), downloader.Settings{}) // haulTheme, following the system
	m := newTaskModel()
	evs := make([]downloader.Event, len(tasks))
	for i, s := range tasks {
		evs[i] = ev(downloader.EventAdded, s)
	}
	m.apply(evs)
	r := newTaskRow(newTaskTable(m))
	w := test.NewTempWindow(t, r)
	w.Resize(fyne.NewSize(1200, 60))
	return m, r
}

// TestRecycledRowTakesNewLook: a row widget the list reuses for another
// task draws that task's status colour, icon and bar, whichever it drew
// before.
func TestRecycledRowTakesNewLook(t *testing.T) {
	failed := snap("f", downloader.StateFailed, 0)
	failed.Error = "The server says the file does not exist."
	active := snap("a", downloader.StateActive, 1)
	active.Phase, active.Connections, active.Done = downloader.PhaseDownloading, 16, 40
	done := snap("c", downloader.StateCompleted, 2)
	m, r := rowFixture(t, failed, active, done)

	// The status text's colour as drawn: " color=" in the markup is only
	// ever a text's colour.
	textColors := regexp.MustCompile(` color="(\w+)"`)
	wantColor := map[string]string{"f": "error", "a": "", "c": "success"}
	for _, order := range [][]string{{"f", "a", "c"}, {"a", "f", "a"}, {"c", "f", "c", "a"}} {
		for _, id := range order {
			r.show(m.index[id])
			got := ""
			for _, m := range textColors.FindAllStringSubmatch(test.RenderObjectToMarkup(r), -1) {
				got += m[1]
			}
			if got != wantColor[id] {
				t.Errorf("order %v: row showing %q draws its text in %q, want %q", order, id, got, wantColor[id])
			}
			lk := lookOf(m.tasks[id])
			if r.icon.Resource.Name() != lk.icon.Name() || r.progress.color != lk.bar {
				t.Errorf("order %v: row showing %q kept icon %s bar %s", order, id, r.icon.Resource.Name(), r.progress.color)
			}
		}
	}
}

// TestLookPerState: each state has its own icon and bar colour, every
// kind of wait shares the waiting look, and a queued task of unknown size
// shows an empty bar.
func TestLookPerState(t *testing.T) {
	with := func(st downloader.State, ph downloader.Phase, errText string) *downloader.Snapshot {
		s := snap("x", st, 0)
		s.Phase, s.Error = ph, errText
		return &s
	}
	states := map[string]*downloader.Snapshot{
		"failed":      with(downloader.StateFailed, "", "404"),
		"paused":      with(downloader.StatePaused, "", ""),
		"queued":      with(downloader.StateQueued, "", ""),
		"downloading": with(downloader.StateActive, downloader.PhaseDownloading, ""),
		"completed":   with(downloader.StateCompleted, "", ""),
		"waiting":     with(downloader.StateActive, downloader.PhaseWaitingNetwork, ""),
	}
	seenIcon, seenBar := map[string]string{}, map[fyne.ThemeColorName]string{}
	for name, s := range states {
		lk := lookOf(s)
		if other, ok := seenIcon[lk.icon.Name()]; ok {
			t.Errorf("%s and %s share the icon %s", name, other, lk.icon.Name())
		}
		if other, ok := seenBar[lk.bar]; ok {
			t.Errorf("%s and %s share the bar colour %s", name, other, lk.bar)
		}
		seenIcon[lk.icon.Name()], seenBar[lk.bar] = name, name
	}
	waits := []*downloader.Snapshot{
		with(downloader.StateActive, downloader.PhaseRetrying, "timeout"),
		with(downloader.StateQueued, downloader.Phase("waiting for the schedule"), ""),
		with(downloader.StateActive, downloader.Phase("waiting for a fresh link"), ""),
	}
	for _, s := range waits {
		if lookOf(s).bar != colorNameWaiting {
			t.Errorf("phase %q does not look like a wait", s.Phase)
		}
	}
	for _, s := range []*downloader.Snapshot{with(downloader.StateActive, downloader.PhaseProbing, ""), with(downloader.StateActive, downloader.PhaseVerifying, "")} {
		if lookOf(s).bar != theme.ColorNamePrimary {
			t.Errorf("phase %q is work, not a wait", s.Phase)
		}
	}

	unknown := snap("u", downloader.StateQueued, 0)
	unknown.Size = -1
	_, r := rowFixture(t, unknown)
	r.show(0)
	if r.progress.value != 0 || r.progress.text != "" {
		t.Errorf("queued task of unknown size: bar %v %q, want empty", r.progress.value, r.progress.text)
	}
	if strings.Count(test.RenderObjectToMarkup(r.progress), "<rectangle") != 1 {
		t.Errorf("queued task of unknown size draws a fill:\n%s", test.RenderObjectToMarkup(r.progress))
	}
}
