package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
)

// toolbar holds the main actions. Fyne 2.7 has no tooltips, so buttons
// carry a short word next to the icon instead of a hover hint.
type toolbar struct {
	root                                         fyne.CanvasObject
	add, resume, pause, remove, folder, settings *widget.Button
}

func newToolbar(u *UI) *toolbar {
	b := func(text string, icon fyne.Resource, f func()) *widget.Button {
		btn := widget.NewButtonWithIcon(text, icon, f)
		btn.Importance = widget.LowImportance
		return btn
	}
	tb := &toolbar{
		add:      b(lang.L("Add"), theme.ContentAddIcon(), func() { u.showAdd("") }),
		resume:   b(lang.L("Resume"), theme.MediaPlayIcon(), u.resumeSelected),
		pause:    b(lang.L("Pause"), theme.MediaPauseIcon(), u.pauseSelected),
		remove:   b(lang.L("Remove"), theme.DeleteIcon(), func() { u.confirmRemove(false) }),
		folder:   b(lang.L("Open folder"), theme.FolderOpenIcon(), u.openFolderSelected),
		settings: b(lang.L("Settings"), theme.SettingsIcon(), u.showSettings),
	}
	tb.add.Importance = widget.HighImportance
	tb.root = container.NewVBox(container.NewHBox(
		tb.add, widget.NewSeparator(),
		tb.resume, tb.pause, tb.remove, widget.NewSeparator(),
		tb.folder,
		layout.NewSpacer(),
		tb.settings,
	), widget.NewSeparator())
	return tb
}

// update enables only what applies to the selection.
func (tb *toolbar) update(sel []*downloader.Snapshot) {
	canResume, canPause := false, false
	for _, s := range sel {
		canResume = canResume || resumable(s)
		canPause = canPause || pausable(s)
	}
	enable(tb.resume, canResume)
	enable(tb.pause, canPause)
	enable(tb.remove, len(sel) > 0)
	enable(tb.folder, len(sel) == 1)
}

func resumable(s *downloader.Snapshot) bool {
	return !s.Broken && (s.State == downloader.StatePaused || s.State == downloader.StateFailed)
}

func pausable(s *downloader.Snapshot) bool {
	return !s.Broken && (s.State == downloader.StateActive || s.State == downloader.StateQueued)
}

func enable(b *widget.Button, on bool) {
	if on == b.Disabled() {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}
