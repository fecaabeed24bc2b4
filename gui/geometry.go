package gui

import (
	"fmt"
	"maps"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// Keys of Settings.UI for the window's geometry, saved when Haul quits or
// hides and after a column is resized.
const (
	uiKeyWindowSize = "windowSize" // "width,height" in Fyne units
	uiKeySplits     = "splits"     // "sidebar,details": the split offsets, 0…1
	uiKeyColumns    = "columns"    // see columnWidths.String
)

// firstWindowSize fits a 1024×640 screen with room for a title bar and
// a panel: Fyne 2.7 cannot ask the screen's size.
var firstWindowSize = fyne.NewSize(960, 560)

// layoutState is the window's split containers, for saving.
type layoutState struct {
	body, split *container.Split
	main        *fyne.Container // holds the table alone, or the table over the details
}

// restoreGeometry applies the saved size, splits and columns.
func (u *UI) restoreGeometry() {
	ui := u.eng.Settings().UI
	size := firstWindowSize
	var w, h float32
	if _, err := fmt.Sscanf(ui[uiKeyWindowSize], "%g,%g", &w, &h); err == nil && w >= 400 && h >= 300 {
		size = fyne.NewSize(w, h)
	}
	u.win.Resize(size)
	var side, details float64
	if _, err := fmt.Sscanf(ui[uiKeySplits], "%g,%g", &side, &details); err == nil {
		if side > 0.05 && side < 0.5 {
			u.layout.body.Offset = side
		}
		if details > 0.2 && details < 0.9 {
			u.layout.split.Offset = details
		}
	}
	u.table.cols.parse(ui[uiKeyColumns])
}

// saveGeometry stores the window's size, splits and columns if they
// changed.
func (u *UI) saveGeometry() {
	size := u.win.Canvas().Size()
	vals := map[string]string{
		uiKeySplits:  fmt.Sprintf("%.3f,%.3f", u.layout.body.Offset, u.layout.split.Offset),
		uiKeyColumns: u.table.cols.String(),
	}
	if size.Width >= 400 && size.Height >= 300 {
		vals[uiKeyWindowSize] = fmt.Sprintf("%.0f,%.0f", size.Width, size.Height)
	}
	s := u.eng.Settings()
	changed := false
	for k, v := range vals {
		changed = changed || s.UI[k] != v
	}
	if !changed {
		return
	}
	ui := maps.Clone(s.UI)
	if ui == nil {
		ui = map[string]string{}
	}
	maps.Copy(ui, vals)
	s.UI = ui
	_ = u.eng.SetSettings(s) // the window's size is not worth an error box
}

// showDetails shows the details pane under the list while something is
// selected and gives the list the whole height otherwise.
func (u *UI) showDetails(on bool) {
	m := u.layout.main
	want := fyne.CanvasObject(u.table.root)
	if on {
		want = u.layout.split
	}
	if len(m.Objects) == 1 && m.Objects[0] == want {
		return
	}
	m.Objects = []fyne.CanvasObject{want}
	m.Refresh()
	if on {
		// The list was laid out alone meanwhile; at an unchanged size the
		// split would not lay it out again.
		u.layout.split.Leading = u.table.root
		u.layout.split.Refresh()
	}
}
