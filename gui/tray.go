package gui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"

	"haul/assets"
	"haul/downloader"
)

// tray is the system tray icon and menu: Haul keeps downloading there
// when its window is closed.
type tray struct {
	desk    desktop.App
	menu    *fyne.Menu
	summary *fyne.MenuItem
	last    string
	// refreshWhenDone re-checks the "When downloads finish" choices.
	refreshWhenDone func()
}

// InstallTray puts Haul in the system tray when the platform has one. It
// reports whether it did; main.go passes that as Options.Tray.
func InstallTray(a fyne.App) (desktop.App, bool) {
	desk, ok := a.(desktop.App)
	return desk, ok
}

// setupTray builds the tray menu for u. Called by New when Options.Tray.
func (u *UI) setupTray(desk desktop.App) {
	t := &tray{desk: desk}
	t.summary = fyne.NewMenuItem(lang.L("Idle"), nil)
	t.summary.Disabled = true
	show := fyne.NewMenuItem(lang.L("Show Haul"), func() {
		u.win.Show()
		u.win.RequestFocus()
	})
	pause := fyne.NewMenuItem(lang.L("Pause all"), func() { u.eng.PauseAll() })
	resume := fyne.NewMenuItem(lang.L("Resume all"), func() { u.eng.ResumeAll() })
	quit := fyne.NewMenuItem(lang.L("Quit"), u.quit)
	quit.IsQuit = true
	t.menu = fyne.NewMenu("Haul", t.summary, fyne.NewMenuItemSeparator(), show, pause, resume, fyne.NewMenuItemSeparator(), quit)
	if u.opts.Unattended != nil {
		t.menu.Items = slices.Insert(t.menu.Items, len(t.menu.Items)-2, u.whenDoneMenu(t))
	}
	desk.SetSystemTrayIcon(assets.Icon)
	desk.SetSystemTrayMenu(t.menu)
	desk.SetSystemTrayWindow(u.win)
	u.tray = t
}

// update shows how many tasks run, wait and are paused in the menu's
// first line. It changes only when a task changes state, never with the
// speed: Fyne rebuilds the whole platform menu on every refresh and gives
// its items new ids, so a menu refreshed each second would make a click
// in a menu the panel opened a moment earlier go nowhere ("no menu item
// with ID"). The speed is in the window title and the status bar.
func (t *tray) update(m *taskModel) {
	active := m.states[downloader.StateActive]
	queued := m.states[downloader.StateQueued]
	paused := m.states[downloader.StatePaused]
	text := lang.L("Idle")
	if active+queued+paused > 0 {
		text = lang.L("{{.Active}} active · {{.Queued}} queued · {{.Paused}} paused",
			map[string]any{"Active": active, "Queued": queued, "Paused": paused})
	}
	if text == t.last {
		return
	}
	t.last = text
	t.summary.Label = text
	t.menu.Refresh()
}
