package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// headerLayout is columnsLayout for the header's titles plus a divider
// at the right edge of every column but the last, to drag.
type headerLayout struct{ columnsLayout }

func (l headerLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.columnsLayout.Layout(objs[:colCount], size)
	w := l.c.widths(size)
	pad := theme.Padding()
	x := float32(0)
	for i, d := range objs[colCount:] {
		x += w[i]
		dw := d.MinSize().Width
		d.Move(fyne.NewPos(x+pad/2-dw/2, 0))
		d.Resize(fyne.NewSize(dw, size.Height))
		x += pad
	}
}

// columnDivider is the handle between two header titles: dragging it
// resizes the column on its left.
type columnDivider struct {
	widget.BaseWidget
	col      int
	onResize func(col int, dx float32)
	onDone   func()
}

func newColumnDivider(col int, onResize func(int, float32), onDone func()) *columnDivider {
	d := &columnDivider{col: col, onResize: onResize, onDone: onDone}
	d.ExtendBaseWidget(d)
	return d
}

func (d *columnDivider) CreateRenderer() fyne.WidgetRenderer {
	line := canvas.NewRectangle(theme.Color(theme.ColorNameSeparator))
	return &dividerRenderer{line: line}
}

func (d *columnDivider) Dragged(ev *fyne.DragEvent) { d.onResize(d.col, ev.Dragged.DX) }
func (d *columnDivider) DragEnd()                   { d.onDone() }
func (d *columnDivider) Cursor() desktop.Cursor     { return desktop.HResizeCursor }

type dividerRenderer struct{ line *canvas.Rectangle }

func (r *dividerRenderer) Layout(size fyne.Size) {
	r.line.Resize(fyne.NewSize(1, size.Height*0.6))
	r.line.Move(fyne.NewPos((size.Width-1)/2, size.Height*0.2))
}
func (r *dividerRenderer) MinSize() fyne.Size { return fyne.NewSize(theme.Padding()*2, 0) }
func (r *dividerRenderer) Refresh() {
	r.line.FillColor = theme.Color(theme.ColorNameSeparator)
	r.line.Refresh()
}
func (r *dividerRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.line} }
func (r *dividerRenderer) Destroy()                     {}
