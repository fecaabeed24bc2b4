package gui

import (
	"slices"

	"haul/downloader"
)

// The window keeps no copy of the engine's settings: it reads
// Engine.Settings when it needs them, and the engine's EventSettings
// (through the bridge, like every other event) says when what it shows
// from them must be drawn again. A change made elsewhere — an aria2
// client's changeGlobalOption, a remote window, the CLI — reaches the
// status bar and an open add dialog the same way as one made here.

// hasSettingsEvent tells whether a batch carries EventSettings.
func hasSettingsEvent(evs []downloader.Event) bool {
	return slices.ContainsFunc(evs, func(ev downloader.Event) bool { return ev.Kind == downloader.EventSettings })
}

// showEngineSettings redraws everything outside the Settings dialog that
// shows a setting: the theme, the status bar's limit, the clipboard
// watch, the note about session changes and an open add dialog's
// defaults. It runs on the UI goroutine.
func (u *UI) showEngineSettings() {
	s := u.eng.Settings()
	applyTheme(u.app, s)
	u.status.update(u.model, u.limitInForce(u.scheduleNow()))
	u.updateClipboardWatch()
	if u.session != nil {
		u.session.refresh()
	}
	if u.add != nil {
		u.add.defaultsChanged(s)
	}
}
