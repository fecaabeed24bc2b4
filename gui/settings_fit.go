package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// Settings has grown to many tabs, and some are tall (Browser with its
// list of browsers, a schedule with many rows). Tabs share one height, so
// without scrolling the tallest pushed the others' controls under the
// dialog's buttons and out of a 1024×640 window.

// scrollTabs wraps every tab's content in a vertical scroll and returns
// the height the tallest content wants.
func scrollTabs(tabs *container.AppTabs) (natural float32) {
	for _, it := range tabs.Items {
		natural = max(natural, it.Content.MinSize().Height)
		// AppTabs hid the content of tabs not shown; from now on it
		// shows and hides the scroll around it instead.
		inner := it.Content
		inner.Show()
		it.Content = container.NewVScroll(inner)
		if it != tabs.Selected() {
			it.Content.Hide()
		}
	}
	tabs.Refresh()
	return natural
}

// fitDialogHeight is the height a dialog of minimum height minH, whose
// scrolled content wants natural more, gets inside a window of height
// winH: all of it when it fits, else the window less a margin.
func fitDialogHeight(minH, natural, winH float32) float32 {
	const margin = 48   // the dialog's shadow and a glimpse of the window
	if winH <= margin { // not shown yet: no window to fit
		return minH + natural
	}
	return max(minH, min(minH+natural, winH-margin))
}

// resize sizes the settings dialog to its content within the
// window.
func (d *settingsDialog) resize(natural float32) {
	win := d.u.win.Canvas().Size()
	d.dlg.Resize(fyne.NewSize(max(600, d.dlg.MinSize().Width), fitDialogHeight(d.dlg.MinSize().Height, natural, win.Height)))
}
