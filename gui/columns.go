package gui

import (
	"strconv"
	"strings"

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

// defaultColumnWidths are the fixed columns' first widths; Name and Status
// share what is left, since file names and error sentences are the long
// ones.
var defaultColumnWidths = [colCount]float32{
	colSize:     84,
	colProgress: 132,
	colSpeed:    92,
	colETA:      72,
}

const (
	minNameWidth     = 180
	minStatusWidth   = 200
	minColumnWidth   = 48
	maxColumnWidth   = 400
	defaultNameShare = 0.5 // of the flexible width
)

// columnWidths is the table's column geometry, shared by the header and
// every row, changed by dragging the header's dividers.
type columnWidths struct {
	fixed     [colCount]float32 // Size, Progress, Speed, ETA
	nameShare float32           // Name's part of the width left over
}

func newColumnWidths() *columnWidths {
	return &columnWidths{fixed: defaultColumnWidths, nameShare: defaultNameShare}
}

// flex is the width Name and Status share in a row of width w.
func (c *columnWidths) flex(w float32) float32 {
	f := w - theme.Padding()*(colCount-1)
	for _, x := range c.fixed {
		f -= x
	}
	return f
}

func (c *columnWidths) widths(size fyne.Size) [colCount]float32 {
	w := c.fixed
	flex := c.flex(size.Width)
	w[colName] = max(flex*c.nameShare, minNameWidth)
	w[colStatus] = max(flex-w[colName], minStatusWidth)
	return w
}

// resize widens column col by dx in a table of width total: a fixed
// column takes dx itself, Name takes it from Status.
func (c *columnWidths) resize(col int, dx, total float32) {
	switch col {
	case colStatus:
		return // the last column ends at the edge
	case colName:
		flex := c.flex(total)
		if flex <= 0 {
			return
		}
		w := min(max(flex*c.nameShare+dx, minNameWidth), flex-minStatusWidth)
		c.nameShare = min(max(w/flex, 0.1), 0.9)
	default:
		c.fixed[col] = min(max(c.fixed[col]+dx, minColumnWidth), maxColumnWidth)
	}
}

// String is the saved form: the fixed widths and the name share.
func (c *columnWidths) String() string {
	parts := []string{}
	for _, col := range []int{colSize, colProgress, colSpeed, colETA} {
		parts = append(parts, strconv.Itoa(int(c.fixed[col])))
	}
	parts = append(parts, strconv.FormatFloat(float64(c.nameShare), 'f', 3, 32))
	return strings.Join(parts, ",")
}

// parse restores what String saved; anything malformed leaves c as it is.
func (c *columnWidths) parse(s string) {
	parts := strings.Split(s, ",")
	if len(parts) != 5 {
		return
	}
	next := *c
	for i, col := range []int{colSize, colProgress, colSpeed, colETA} {
		v, err := strconv.Atoi(parts[i])
		if err != nil || v < minColumnWidth || v > maxColumnWidth {
			return
		}
		next.fixed[col] = float32(v)
	}
	share, err := strconv.ParseFloat(parts[4], 32)
	if err != nil || share < 0.1 || share > 0.9 {
		return
	}
	next.nameShare = float32(share)
	*c = next
}

// columnsLayout places one object per column.
type columnsLayout struct{ c *columnWidths }

func (l columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	w := l.c.widths(size)
	x := float32(0)
	for i, o := range objs {
		if i >= colCount {
			break
		}
		h := o.MinSize().Height
		o.Move(fyne.NewPos(x, (size.Height-h)/2))
		o.Resize(fyne.NewSize(w[i], h))
		x += w[i] + pad
	}
}

func (l columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w := theme.Padding()*(colCount-1) + minNameWidth + minStatusWidth
	for _, f := range l.c.fixed {
		w += f
	}
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(w, h)
}
