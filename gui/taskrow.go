package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
)

// taskRow draws one task. Rows are recycled by the list as it scrolls.
type taskRow struct {
	widget.BaseWidget
	t   *taskTable
	row int
	id  string // the task drawn, "" before the first show

	bg       *canvas.Rectangle
	cols     *fyne.Container
	colGen   int
	icon     *widget.Icon
	name     *widget.Label
	size     *widget.Label
	progress *stateBar
	speed    *widget.Label
	eta      *widget.Label
	status   *widget.Label

	// mouseSelected notes that MouseDown already selected, so the Tapped
	// that follows does not undo a Ctrl or Shift click.
	mouseSelected bool
}

func newTaskRow(t *taskTable) *taskRow {
	r := &taskRow{t: t, row: -1}
	r.bg = canvas.NewRectangle(color.Transparent)
	r.icon = widget.NewIcon(nil)
	r.name = truncLabel(fyne.TextAlignLeading)
	r.size = truncLabel(fyne.TextAlignTrailing)
	r.progress = newStateBar()
	r.speed = truncLabel(fyne.TextAlignTrailing)
	r.eta = truncLabel(fyne.TextAlignTrailing)
	r.status = truncLabel(fyne.TextAlignLeading)
	r.ExtendBaseWidget(r)
	return r
}

func truncLabel(a fyne.TextAlign) *widget.Label {
	l := widget.NewLabel("")
	l.Alignment = a
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func (r *taskRow) CreateRenderer() fyne.WidgetRenderer {
	name := container.NewBorder(nil, nil, r.icon, nil, r.name)
	r.cols = container.New(columnsLayout{r.t.cols}, name, r.size, r.progress, r.speed, r.eta, r.status)
	return widget.NewSimpleRenderer(container.NewStack(r.bg, r.cols))
}

// show fills the row from the model; it is called for visible rows only.
func (r *taskRow) show(row int) {
	r.row = row
	s := r.t.model.at(row)
	if s == nil {
		return
	}
	if r.id != s.ID {
		if r.t.shown[r.id] == r {
			delete(r.t.shown, r.id)
		}
		if old := r.t.shown[s.ID]; old != nil && old != r {
			// The list gave this task a new widget; the old one sits in
			// the list's pool and must not be drawn into any more.
			old.id = ""
		}
		r.id = s.ID
		r.t.shown[s.ID] = r
	}
	if r.colGen != r.t.colGen && r.cols != nil {
		r.colGen = r.t.colGen
		r.cols.Refresh()
	}
	r.paint(s)
}

// paint sets every visual property of the row from s, every time: a
// recycled row must not keep a colour, icon or bar from its last task.
func (r *taskRow) paint(s *downloader.Snapshot) {
	if r.t.isSelected(s.ID) {
		setFill(r.bg, theme.Color(theme.ColorNameSelection))
	} else {
		setFill(r.bg, color.Transparent)
	}
	lk := lookOf(s)
	if r.icon.Resource != lk.icon {
		r.icon.SetResource(lk.icon)
	}
	setText(r.name, displayName(s))
	setText(r.size, formatSize(s))
	setText(r.speed, formatSpeed(s))
	setText(r.eta, formatETA(s))
	setLabel(r.status, statusText(s), lk.importance)
	r.progress.set(s.Progress(), progressText(s), lk.bar)
}

// redraw shows the row's task again if the row still holds it; a row
// widget the list has parked off screen keeps a stale row number.
func (r *taskRow) redraw() {
	if r.id != "" && r.row >= 0 && r.row < len(r.t.model.view) && r.t.model.view[r.row] == r.id {
		r.show(r.row)
	}
}

// setText avoids a redraw when nothing changed, which is most cells on
// most ticks.
func setText(l *widget.Label, s string) {
	if l.Text != s {
		l.SetText(s)
	}
}

// setLabel sets text and importance together, redrawing once when either
// changed: an importance set after an unchanged text would never show.
func setLabel(l *widget.Label, s string, imp widget.Importance) {
	if l.Text != s || l.Importance != imp {
		l.Text, l.Importance = s, imp
		l.Refresh()
	}
}

func setFill(r *canvas.Rectangle, c color.Color) {
	if r.FillColor != c {
		r.FillColor = c
		r.Refresh()
	}
}

// unfocus takes keyboard focus from whatever had it (a selectable label
// in the details, say) so Space and Delete act on the table again.
func (r *taskRow) unfocus() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(r); c != nil {
		c.Unfocus()
	}
}

func (r *taskRow) MouseDown(ev *desktop.MouseEvent) {
	r.unfocus()
	if ev.Button == desktop.MouseButtonPrimary {
		r.t.click(r.row, ev.Modifier)
		r.mouseSelected = true
	}
}

func (r *taskRow) MouseUp(*desktop.MouseEvent) {}

func (r *taskRow) Tapped(*fyne.PointEvent) {
	if r.mouseSelected {
		r.mouseSelected = false
		return
	}
	r.unfocus()
	r.t.click(r.row, 0)
}

func (r *taskRow) TappedSecondary(ev *fyne.PointEvent) {
	s := r.t.model.at(r.row)
	if s == nil {
		return
	}
	if !r.t.isSelected(s.ID) {
		r.t.click(r.row, 0)
	}
	if r.t.onMenu != nil {
		if c := fyne.CurrentApp().Driver().CanvasForObject(r); c != nil {
			r.t.onMenu(c, ev.AbsolutePosition)
		}
	}
}

func (r *taskRow) DoubleTapped(*fyne.PointEvent) {
	if s := r.t.model.at(r.row); s != nil && r.t.onOpen != nil {
		r.t.onOpen(s)
	}
}
