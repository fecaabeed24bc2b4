// Package gui is Haul's desktop front end, built on Fyne.
//
// It sees the engine only through the Engine interface declared here
// (engine.go), so tests drive it with a fake (internal/fakeengine, which
// the rpc tests use too), and it never imports Fyne's app driver: main.go
// creates the fyne.App and hands it over.
//
//	a := app.NewWithID("io.github.haul")
//	desk, _ := gui.InstallTray(ctx, a) // nil without a tray host
//	ui := gui.New(a, manager, gui.Options{Version: downloader.Version, Desktop: desk, Notify: notify})
//	ui.ShowAndRun() // returns when the app quits; the bridge is stopped
//
// main.go hooks in through Options: OnQuit, Open, Desktop (the tray),
// Notify (desktop notifications), OnSettingsSaved (what main owns, like
// the RPC service), Browsers (Settings → Browser), Remote (a window on
// another Haul's queue) and Unattended (when-done and autostart). The
// window's own choices live in Settings.UI under the UIKey constants,
// read with NotificationsEnabled, CloseToTray and ClipboardWatch.
//
// Settings belong to the engine. The window keeps no copy: it reads
// Engine.Settings when it needs a value, and the engine's EventSettings
// tells it to redraw what shows one (settingsfeed.go) — the status bar's
// limit, an open add dialog's folder — whoever made the change: this
// window, a browser extension over the RPC, or the CLI.
//
// Threading: widgets are touched only on Fyne's UI goroutine. The single
// path from engine goroutines into widgets is the bridge (bridge.go),
// which drains the engine's event channel, keeps the newest snapshot per
// task and applies them a few times a second in one fyne.Do call; a
// finish is recorded as it arrives, never inferred from two snapshots.
// The table's model (model.go) makes a progress tick cost O(changed
// tasks), whatever the size of the queue.
package gui
