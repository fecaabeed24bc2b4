package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// stateBar is a row's progress: the percentage as text, then a thin bar
// filled in the colour of the task's state. Fyne's ProgressBar has one
// colour for every state and draws its text on the fill, where no colour
// is readable on all of them. An unknown size or nothing done shows an
// empty track, never a full one.
type stateBar struct {
	widget.BaseWidget
	value float64 // 0…1
	text  string
	color fyne.ThemeColorName
}

func newStateBar() *stateBar {
	b := &stateBar{color: theme.ColorNamePrimary}
	b.ExtendBaseWidget(b)
	return b
}

// set changes what the bar shows, redrawing only when something changed.
func (b *stateBar) set(value float64, text string, c fyne.ThemeColorName) {
	value = min(max(value, 0), 1)
	if value == b.value && text == b.text && c == b.color {
		return
	}
	b.value, b.text, b.color = value, text, c
	b.Refresh()
}

func (b *stateBar) CreateRenderer() fyne.WidgetRenderer {
	r := &stateBarRenderer{b: b,
		track: canvas.NewRectangle(color.Transparent),
		fill:  canvas.NewRectangle(color.Transparent),
		label: canvas.NewText("", color.Black),
	}
	r.label.Alignment = fyne.TextAlignTrailing
	r.Refresh()
	return r
}

type stateBarRenderer struct {
	b           *stateBar
	track, fill *canvas.Rectangle
	label       *canvas.Text
}

// barHeight is the track's thickness relative to the text size.
const barHeight = 0.45

// textWidth fits "100%" and "99.9%" so bars line up from row to row.
func (r *stateBarRenderer) textWidth() float32 {
	w := fyne.MeasureText("99.9%", r.label.TextSize, r.label.TextStyle).Width
	return max(w, r.label.MinSize().Width)
}

func (r *stateBarRenderer) Layout(size fyne.Size) {
	pad := theme.Padding()
	tw := r.textWidth()
	r.label.Resize(fyne.NewSize(tw, size.Height))
	r.label.Move(fyne.NewPos(0, 0))
	h := theme.TextSize() * barHeight
	x := tw + pad
	w := max(size.Width-x, 0)
	r.track.Move(fyne.NewPos(x, (size.Height-h)/2))
	r.track.Resize(fyne.NewSize(w, h))
	r.fill.Move(r.track.Position())
	r.fill.Resize(fyne.NewSize(w*float32(r.b.value), h))
}

func (r *stateBarRenderer) MinSize() fyne.Size {
	return fyne.NewSize(r.textWidth()+theme.Padding()+theme.TextSize()*2, r.label.MinSize().Height+2*theme.InnerPadding())
}

func (r *stateBarRenderer) Refresh() {
	r.label.Text = r.b.text
	r.label.TextSize = theme.TextSize()
	r.label.Color = theme.Color(theme.ColorNameForeground)
	r.track.FillColor = theme.Color(theme.ColorNameInputBackground)
	// The outline carries the state's colour too, so a failed or queued
	// task with nothing done is still told apart.
	r.track.StrokeColor = theme.Color(r.b.color)
	r.track.StrokeWidth = 1
	r.track.CornerRadius = theme.TextSize() * barHeight / 2
	r.fill.FillColor = theme.Color(r.b.color)
	r.fill.CornerRadius = r.track.CornerRadius
	r.fill.Hidden = r.b.value <= 0
	r.Layout(r.b.Size())
	canvas.Refresh(r.b)
}

func (r *stateBarRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.track, r.fill, r.label}
}

func (r *stateBarRenderer) Destroy() {}
