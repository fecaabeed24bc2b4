package gui

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
)

// look is what a task's state looks like in the list, so failed, paused,
// queued, waiting, downloading and completed rows are told apart without
// reading: an icon and a bar colour per state, and the status text's
// importance. Every row property comes from one look computed from the
// snapshot, never from what the row showed before.
type look struct {
	icon       fyne.Resource
	bar        fyne.ThemeColorName
	importance widget.Importance
}

// lookKind names the looks; a task has exactly one.
type lookKind int

const (
	lookDownloading lookKind = iota
	lookFailed
	lookCompleted
	lookPaused
	lookPausedWithError
	lookWaiting
	lookQueued
	lookCount
)

// looks are built once, when first drawn (the theme's icons need the
// app): a row compares them by identity on every tick.
var looks = sync.OnceValue(func() [lookCount]*look {
	mk := func(icon fyne.Resource, c fyne.ThemeColorName, imp widget.Importance) *look {
		return &look{theme.NewColoredResource(icon, c), c, imp}
	}
	return [lookCount]*look{
		lookDownloading:     mk(theme.DownloadIcon(), theme.ColorNamePrimary, widget.MediumImportance),
		lookFailed:          mk(theme.ErrorIcon(), theme.ColorNameError, widget.DangerImportance),
		lookCompleted:       mk(theme.ConfirmIcon(), theme.ColorNameSuccess, widget.SuccessImportance),
		lookPaused:          mk(theme.MediaPauseIcon(), theme.ColorNameWarning, widget.MediumImportance),
		lookPausedWithError: mk(theme.MediaPauseIcon(), theme.ColorNameWarning, widget.WarningImportance),
		lookWaiting:         mk(theme.ViewRefreshIcon(), colorNameWaiting, widget.WarningImportance),
		lookQueued:          mk(theme.HistoryIcon(), colorNameQueued, widget.MediumImportance),
	}
})

// lookOf is the look of s.
func lookOf(s *downloader.Snapshot) *look {
	looks := looks()
	switch {
	case s.Broken || s.State == downloader.StateFailed:
		return looks[lookFailed]
	case s.State == downloader.StateCompleted:
		return looks[lookCompleted]
	case s.State == downloader.StatePaused && s.Error != "":
		return looks[lookPausedWithError]
	case s.State == downloader.StatePaused:
		return looks[lookPaused]
	case isWaiting(s):
		return looks[lookWaiting]
	case s.State == downloader.StateQueued:
		return looks[lookQueued]
	}
	return looks[lookDownloading]
}

// isWaiting tells whether s is held back by something other than its turn
// in the queue or the user: a retry, the network, or any wait phase the
// engine adds later (a fresh link, the schedule). Phases that are work in
// progress are not waits.
func isWaiting(s *downloader.Snapshot) bool {
	switch s.Phase {
	case downloader.PhaseNone, downloader.PhaseProbing, downloader.PhaseDownloading, downloader.PhaseVerifying:
		return false
	}
	return s.State == downloader.StateActive || s.State == downloader.StateQueued
}
