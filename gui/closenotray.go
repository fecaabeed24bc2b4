package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
)

// closeWithoutTray handles closing the window on a desktop that draws no
// tray icon (stock GNOME): hiding the window there would make Haul vanish
// while it keeps running. With nothing left to download it quits; else it
// asks, and says where the downloads go on.
func (u *UI) closeWithoutTray() {
	unfinished := u.model.states[downloader.StateActive] + u.model.states[downloader.StateQueued]
	if unfinished == 0 {
		u.quit()
		return
	}
	if u.closeAsk != nil {
		return // already asking
	}
	msg := widget.NewLabel(lang.N("{{.Count}} downloads are not finished. This desktop shows no tray icon, so Haul cannot wait there. Keep downloading in the background with no window? Open Haul again from your applications to see them.",
		unfinished, map[string]any{"Count": unfinished}))
	msg.Wrapping = fyne.TextWrapWord
	var d *dialog.CustomDialog
	keep := widget.NewButton(lang.L("Keep downloading"), func() { d.Hide(); u.hideWindow() })
	keep.Importance = widget.HighImportance
	quit := widget.NewButton(lang.L("Quit Haul"), func() { d.Hide(); u.quit() })
	cancel := widget.NewButton(lang.L("Cancel"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(lang.L("Close Haul?"),
		container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), cancel, quit, keep), nil, nil, msg), u.win)
	d.SetOnClosed(func() { u.closeAsk = nil })
	d.Resize(fyne.NewSize(520, 0))
	u.closeAsk = &askDialog{dlg: d, confirm: keep.OnTapped}
	d.Show()
}

// askDialog is an open question the keyboard can answer: Esc dismisses
// it, Enter picks its default.
type askDialog struct {
	dlg     dialog.Dialog
	confirm func()
}
