package gui

import (
	"cmp"
	"image/color"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
)

// SegmentMap paints a file as a horizontal bar: the bytes on disk, the
// ranges a connection is filling right now, and what is still pending.
// It shows why a download is fast or slow at a glance, the way IDM's
// connection view does.
type SegmentMap struct {
	widget.BaseWidget

	size     int64
	segs     []downloader.SegmentState
	complete bool
}

// NewSegmentMap returns an empty map.
func NewSegmentMap() *SegmentMap {
	m := &SegmentMap{size: -1}
	m.ExtendBaseWidget(m)
	return m
}

// Set shows a task's segments. size is the total size (-1 if unknown);
// complete paints everything done, which matters for finished tasks whose
// engine dropped their ranges. Call on the UI goroutine.
func (m *SegmentMap) Set(size int64, segs []downloader.SegmentState, complete bool) {
	m.size = size
	m.segs = append(m.segs[:0], segs...)
	// Painting merges neighbours, which needs them in file order.
	slices.SortFunc(m.segs, func(a, b downloader.SegmentState) int { return cmp.Compare(a.Start, b.Start) })
	m.complete = complete
	m.Refresh()
}

func (m *SegmentMap) CreateRenderer() fyne.WidgetRenderer {
	r := &segmentRenderer{m: m, bg: canvas.NewRectangle(color.Transparent)}
	r.bg.CornerRadius = 2
	r.bg.StrokeWidth = 1
	r.Refresh()
	return r
}

type segmentRenderer struct {
	m     *SegmentMap
	bg    *canvas.Rectangle
	rects []*canvas.Rectangle // reused between refreshes
	spans []span
	objs  []fyne.CanvasObject
}

// span is a painted run in pixels.
type span struct {
	x0, x1 float32
	c      color.Color
}

// Segment map colours follow the theme so dark mode works.
func segmentColors() (done, active, pending, border color.Color) {
	done = theme.Color(theme.ColorNamePrimary)
	r, g, b, _ := done.RGBA()
	active = color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0x60}
	return done, active, theme.Color(theme.ColorNameInputBackground), theme.Color(theme.ColorNameInputBorder)
}

func (r *segmentRenderer) MinSize() fyne.Size {
	return fyne.NewSize(120, theme.TextSize()+2)
}

func (r *segmentRenderer) Destroy() {}

func (r *segmentRenderer) Objects() []fyne.CanvasObject { return r.objs }

func (r *segmentRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.paint(size)
}

func (r *segmentRenderer) Refresh() {
	_, _, pending, border := segmentColors()
	r.bg.FillColor, r.bg.StrokeColor = pending, border
	r.paint(r.m.Size())
	canvas.Refresh(r.m)
}

// paint turns byte ranges into rectangles: neighbours with the same colour
// that touch at pixel resolution merge, so a map with thousands of
// segments still draws a handful of rectangles.
func (r *segmentRenderer) paint(size fyne.Size) {
	done, active, _, _ := segmentColors()
	r.spans = spansFor(r.spans[:0], r.m.size, r.m.segs, r.m.complete, size.Width, done, active)

	for len(r.rects) < len(r.spans) {
		r.rects = append(r.rects, canvas.NewRectangle(color.Transparent))
	}
	r.objs = append(r.objs[:0], r.bg)
	for i, sp := range r.spans {
		rc := r.rects[i]
		rc.FillColor = sp.c
		rc.Move(fyne.NewPos(sp.x0, 1))
		rc.Resize(fyne.NewSize(sp.x1-sp.x0, max(size.Height-2, 0)))
		rc.Refresh()
		r.objs = append(r.objs, rc)
	}
}

func spansFor(out []span, size int64, segs []downloader.SegmentState, complete bool, width float32, done, active color.Color) []span {
	if width <= 0 {
		return out
	}
	if complete {
		return append(out, span{0, width, done})
	}
	if size <= 0 {
		// Unknown length: no proportions to show, only whether it moves.
		for _, s := range segs {
			if s.Active {
				return append(out, span{0, width, active})
			}
		}
		return out
	}
	scale := float64(width) / float64(size)
	px := func(b int64) float32 { return float32(float64(min(max(b, 0), size)) * scale) }
	// add paints bytes [b0, b1); a started range is at least a pixel wide,
	// even on a huge file.
	add := func(b0, b1 int64, c color.Color) {
		if b1 <= b0 {
			return
		}
		x0, x1 := px(b0), px(b1)
		if n := len(out); n > 0 && out[n-1].c == c && x0-out[n-1].x1 < 0.5 {
			out[n-1].x1 = max(out[n-1].x1, x1)
			return
		}
		if x1-x0 < 1 {
			x1 = x0 + 1
		}
		out = append(out, span{x0, x1, c})
	}
	for _, s := range segs {
		end := s.End
		if end < 0 {
			end = size
		}
		mid := s.Start + s.Done
		add(s.Start, mid, done)
		if s.Active {
			add(mid, end, active)
		}
	}
	return out
}
