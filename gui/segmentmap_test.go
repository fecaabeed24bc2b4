package gui_test

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"haul/downloader"
	"haul/gui"
)

type rect struct{ x0, x1 float32 }

// drawn returns the painted runs of a segment map, split by whether
// they are the done colour, leaving out the background.
func drawn(t *testing.T, m *gui.SegmentMap) (done, active []rect) {
	t.Helper()
	primary := theme.Color(theme.ColorNamePrimary)
	objs := test.WidgetRenderer(m).Objects()
	for _, o := range objs[1:] {
		r := o.(*canvas.Rectangle)
		x := rect{r.Position().X, r.Position().X + r.Size().Width}
		if r.FillColor == primary {
			done = append(done, x)
		} else {
			active = append(active, x)
		}
	}
	return done, active
}

func seg(start, end, done int64, active bool) downloader.SegmentState {
	return downloader.SegmentState{Segment: downloader.Segment{Start: start, End: end, Done: done}, Active: active}
}

func TestSegmentMapPaintsRanges(t *testing.T) {
	test.NewTempApp(t)
	m := gui.NewSegmentMap()
	w := test.NewTempWindow(t, m)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(400, 20))
	// 1000 bytes over 400 px: 1 byte = 0.4 px. Given out of order, as an
	// engine that splits ranges may list them.
	m.Set(1000, []downloader.SegmentState{
		seg(750, 1000, 50, true), // done 300–320, in flight 320–400
		seg(0, 250, 250, false),  // done 0–100
		seg(500, 750, 0, false),  // pending: not painted
		seg(250, 500, 100, true), // done 100–140 (joins the first), in flight 140–200
	}, false)

	done, active := drawn(t, m)
	wantDone := []rect{{0, 140}, {300, 320}}
	wantActive := []rect{{140, 200}, {320, 400}}
	if !equalRects(done, wantDone) || !equalRects(active, wantActive) {
		t.Errorf("painted done %v in flight %v, want %v and %v", done, active, wantDone, wantActive)
	}

	m.Set(1000, nil, true)
	done, active = drawn(t, m)
	if !equalRects(done, []rect{{0, 400}}) || len(active) != 0 {
		t.Errorf("complete file painted done %v in flight %v", done, active)
	}
}

func TestSegmentMapKeepsSliversVisible(t *testing.T) {
	test.NewTempApp(t)
	m := gui.NewSegmentMap()
	w := test.NewTempWindow(t, m)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(100, 20))
	m.Set(1<<30, []downloader.SegmentState{seg(1<<29, 1<<30, 10, false)}, false)
	done, _ := drawn(t, m)
	if len(done) != 1 || done[0].x1-done[0].x0 < 1 {
		t.Errorf("10 bytes of 1 GiB painted as %v; a started range must show", done)
	}
}

func equalRects(a, b []rect) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if abs(a[i].x0-b[i].x0) > 0.01 || abs(a[i].x1-b[i].x1) > 0.01 {
			return false
		}
	}
	return true
}

func abs(f float32) float32 {
	if f < 0 {
		return -f
	}
	return f
}
