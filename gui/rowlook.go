package gui

import (
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

// lookOf is the look of s.
func lookOf(s *downloader.Snapshot) look {
	switch {
	case s.Broken || s.State == downloader.StateFailed:
		return look{theme.NewColoredResource(theme.ErrorIcon(), theme.ColorNameError), theme.ColorNameError, widget.DangerImportance}
	case s.State == downloader.StateCompleted:
		return look{theme.NewColoredResource(theme.ConfirmIcon(), theme.ColorNameSuccess), theme.ColorNameSuccess, widget.SuccessImportance}
	case s.State == downloader.StatePaused:
		imp := widget.MediumImportance
		if s.Error != "" {
			imp = widget.WarningImportance
		}
		return look{theme.NewColoredResource(theme.MediaPauseIcon(), theme.ColorNameWarning), theme.ColorNameWarning, imp}
	case isWaiting(s):
		return look{theme.NewColoredResource(theme.ViewRefreshIcon(), colorNameWaiting), colorNameWaiting, widget.WarningImportance}
	case s.State == downloader.StateQueued:
		return look{theme.NewColoredResource(theme.HistoryIcon(), colorNameQueued), colorNameQueued, widget.MediumImportance}
	}
	return look{theme.NewColoredResource(theme.DownloadIcon(), theme.ColorNamePrimary), theme.ColorNamePrimary, widget.MediumImportance}
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
