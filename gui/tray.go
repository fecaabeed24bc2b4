package gui

import (
	"time"

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
	lastAt  time.Time
}

// trayRefresh bounds how often the tray menu is rebuilt: the platform
// menu is redrawn whole, and its speed line need not flicker.
const trayRefresh = time.Second

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
	desk.SetSystemTrayIcon(assets.Icon)
	desk.SetSystemTrayMenu(t.menu)
	desk.SetSystemTrayWindow(u.win)
	u.tray = t
}

// update shows the total speed and the active count in the menu's first
// line, at most once a second.
func (t *tray) update(m *taskModel) {
	active := m.states[downloader.StateActive]
	text := lang.L("Idle")
	if active > 0 {
		text = lang.L("{{.Speed}} · {{.Active}} active", map[string]any{"Speed": downloader.FormatRate(m.speed), "Active": active})
	}
	if text == t.last || time.Since(t.lastAt) < trayRefresh && t.last != "" && (active > 0) == (t.last != lang.L("Idle")) {
		return
	}
	t.last, t.lastAt = text, time.Now()
	t.summary.Label = text
	t.menu.Refresh()
}
