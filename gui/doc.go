// Package gui is Haul's desktop front end, built on Fyne.
//
// It sees the engine only through the Engine interface declared here, so
// tests drive it with a fake, and it never imports Fyne's app driver:
// main.go creates the fyne.App and hands it over.
//
//	a := app.NewWithID("io.github.haul")
//	ui := gui.New(a, manager, gui.Options{Version: version, Tray: trayOK})
//	ui.ShowAndRun() // returns when the app quits; the bridge is stopped
//
// The tray and notification code hook in through Options (OnQuit,
// OnTaskFinished) and UI.Window; the user's choices for them live in
// Settings.UI under the UIKey constants, read with NotificationsEnabled,
// CloseToTray and ClipboardWatch.
//
// Threading: widgets are touched only on Fyne's UI goroutine. The single
// path from engine goroutines into widgets is the bridge (bridge.go),
// which drains the engine's event channel, keeps the newest snapshot per
// task and applies them a few times a second in one fyne.Do call. The
// table's model (model.go) makes a progress tick cost O(changed tasks),
// whatever the size of the queue.
package gui
