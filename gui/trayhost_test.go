package gui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"haul/downloader"
	"haul/internal/fakeengine"
)

// TestTrayTooltip: the tooltip says Haul and the total speed, paced to
// one update a second except when downloading starts or stops.
func TestTrayTooltip(t *testing.T) {
	var got []string
	tr := &tray{setTooltip: func(s string) { got = append(got, s) }}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	steps := []struct {
		speed int64
		at    time.Duration
	}{
		{0, 0},                             // "Haul"
		{1 << 20, 100 * time.Millisecond},  // starts: at once
		{2 << 20, 200 * time.Millisecond},  // too soon
		{3 << 20, 1200 * time.Millisecond}, // a second later
		{0, 1300 * time.Millisecond},       // stops: at once
		{0, 5 * time.Second},               // unchanged
	}
	for _, s := range steps {
		tr.updateTooltip(s.speed, t0.Add(s.at))
	}
	want := []string{"Haul", "Haul — " + downloader.FormatRate(1<<20), "Haul — " + downloader.FormatRate(3<<20), "Haul"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("tooltips %q, want %q", got, want)
	}
}

// TestCloseWithoutTray: with no tray host, closing asks while downloads
// are unfinished (never hides the window silently) and quits when
// nothing is left to do.
func TestCloseWithoutTray(t *testing.T) {
	a := test.NewTempApp(t)
	s := downloader.DefaultSettings(t.TempDir())
	active := downloader.Snapshot{ID: "a", Name: "a.bin", State: downloader.StateActive, Size: 10, ETA: -1}
	eng := fakeengine.New(s, active)
	quits := 0
	u := newUI(a, eng, Options{OnQuit: func() { quits++ }})
	t.Cleanup(u.Close)
	u.win.Show()

	u.closeRequested()
	if u.closeAsk == nil || quits != 0 || !u.win.Content().Visible() {
		t.Fatalf("close with an active download and no tray: asked %v, quit %d", u.closeAsk != nil, quits)
	}
	u.closeAsk.dlg.Hide() // Cancel: nothing happens
	if u.closeAsk != nil || quits != 0 {
		t.Error("cancelling the question did something")
	}

	done := active
	done.State = downloader.StateCompleted
	eng.Emit(downloader.EventChanged, done)
	for len(u.bridge.events) > 0 {
		u.bridge.put(<-u.bridge.events)
	}
	u.apply(u.bridge.take())
	if u.model.states[downloader.StateActive] != 0 {
		t.Fatal("the completion did not reach the window")
	}
	u.closeRequested()
	if quits != 1 || u.closeAsk != nil {
		t.Errorf("close with nothing to download: quit %d, asked %v", quits, u.closeAsk != nil)
	}
}
