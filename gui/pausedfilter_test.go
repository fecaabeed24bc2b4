package gui_test

import (
	"slices"
	"testing"

	"haul/downloader"
	"haul/gui"
)

// TestPausedFilter: paused downloads (and those waiting for a fresh link,
// which are paused) have their own row in the sidebar, apart from the
// queue; the status bar's "1 paused" is findable.
func TestPausedFilter(t *testing.T) {
	q, p := task("q", downloader.StateQueued, 0), task("p", downloader.StatePaused, 1)
	w := task("w", downloader.StatePaused, 2)
	w.ErrorKind, w.Phase = downloader.KindLinkExpired, downloader.PhaseWaitingLink
	u, _ := open(t, q, p, w)
	u.SetFilter(gui.FilterQueued)
	if got := u.Rows(); !slices.Equal(got, []string{"q"}) {
		t.Errorf("Queued shows %v, want only the queued task", got)
	}
	u.SetFilter(gui.FilterPaused)
	if got := u.Rows(); !slices.Equal(got, []string{"p", "w"}) {
		t.Errorf("Paused shows %v, want the paused and the waiting-for-a-link task", got)
	}
}
