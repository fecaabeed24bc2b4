package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Table columns. The header and every row share one columnsLayout so
// they line up without a widget.Table, whose per-cell objects cost six
// times as much per visible row.
const (
	colName = iota
	colSize
	colProgress
	colSpeed
	colETA
	colStatus
	colCount
)

// columnWidths are the fixed widths; Name and Status share what is left,
// since file names and error sentences are the long ones.
var columnWidths = [colCount]float32{
	colSize:     84,
	colProgress: 132,
	colSpeed:    92,
	colETA:      72,
}

const (
	minNameWidth   = 180
	minStatusWidth = 200
	nameShare      = 0.5 // of the flexible width
)

// columnsLayout places one object per column.
type columnsLayout struct{}

func (columnsLayout) widths(size fyne.Size) [colCount]float32 {
	pad := theme.Padding()
	w := columnWidths
	flex := size.Width - pad*(colCount-1)
	for _, f := range columnWidths {
		flex -= f
	}
	w[colName] = max(flex*nameShare, minNameWidth)
	w[colStatus] = max(flex-w[colName], minStatusWidth)
	return w
}

func (l columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	w := l.widths(size)
	x := float32(0)
	for i, o := range objs {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(x, (size.Height-h)/2))
		o.Resize(fyne.NewSize(w[i], h))
		x += w[i] + pad
	}
}

func (columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w := theme.Padding()*(colCount-1) + minNameWidth + minStatusWidth
	for _, f := range columnWidths {
		w += f
	}
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(w, h)
}
