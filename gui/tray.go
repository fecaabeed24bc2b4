package gui

import (
	"context"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/systray"

	"haul/assets"
	"haul/downloader"
	"haul/unattended"
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

	// setTooltip shows the tray icon's tooltip: systray.SetTooltip, since
	// Fyne 2.7's desktop.App has no call for it; tests substitute.
	setTooltip  func(string)
	lastTooltip string
	tooltipAt   time.Time
}

// tooltipEvery paces tooltip updates: each is a D-Bus property change the
// tray host redraws.
const tooltipEvery = time.Second

// InstallTray returns what puts Haul in the system tray when the desktop
// really draws one (see unattended.TrayHostPresent), and false otherwise: an icon
// registered with no tray host is invisible, and a window hidden to it
// could not be found again. main.go passes it as Options.Desktop.
func InstallTray(ctx context.Context, a fyne.App) (desktop.App, bool) {
	desk, ok := a.(desktop.App)
	if !ok || !unattended.TrayHostPresent(ctx) {
		return nil, false
	}
	return desk, true
}

// setupTray builds the tray menu for u. Called by New when Options.Desktop is set.
func (u *UI) setupTray(desk desktop.App) {
	t := &tray{desk: desk, setTooltip: systray.SetTooltip}
	t.summary = fyne.NewMenuItem(lang.L("Idle"), nil)
	t.summary.Disabled = true
	show := fyne.NewMenuItem(lang.L("Show Haul"), u.showWindow)
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
	if u.pacer != nil {
		// Fyne's own tap handler shows the window behind the pacer's
		// back; this one stops the pacer first (hiddenpace.go).
		systray.SetOnTapped(u.ShowWindow)
	}
	// SetSystemTrayWindow makes closing always hide; Haul's own close
	// handling honours the close-to-tray setting.
	u.win.SetCloseIntercept(u.closeRequested)
	u.tray = t
}

// update shows how many tasks run, wait and are paused in the menu's
// first line. It changes only when a task changes state, never with the
// speed: Fyne rebuilds the whole platform menu on every refresh and gives
// its items new ids, so a menu refreshed each second would make a click
// in a menu the panel opened a moment earlier go nowhere ("no menu item
// with ID"). The speed is in the window title and the status bar.
func (t *tray) update(m *taskModel) {
	t.updateTooltip(m.speed, time.Now())
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

// updateTooltip says "Haul" and the total speed. The speed changes on
// almost every tick, so it is sent at most once per tooltipEvery, except
// when downloading starts or stops.
func (t *tray) updateTooltip(speed int64, now time.Time) {
	text := "Haul"
	if speed > 0 {
		text += " — " + downloader.FormatRate(speed)
	}
	if text == t.lastTooltip {
		return
	}
	moving := func(s string) bool { return s != "Haul" }
	if moving(text) == moving(t.lastTooltip) && t.lastTooltip != "" && now.Sub(t.tooltipAt) < tooltipEvery {
		return
	}
	t.lastTooltip, t.tooltipAt = text, now
	t.setTooltip(text)
}
