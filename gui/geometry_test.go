package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"haul/downloader"
	"haul/internal/fakeengine"
)

// TestDetailsCollapseWithoutSelection: the details pane takes room only
// while something is selected.
func TestDetailsCollapseWithoutSelection(t *testing.T) {
	u := keysUI(t, 3)
	shown := func() bool { return u.layout.main.Objects[0] == u.layout.split }
	if shown() {
		t.Error("details shown with nothing selected")
	}
	u.table.click(1, 0)
	if !shown() {
		t.Error("details hidden with a task selected")
	}
	u.table.selectIDs()
	if shown() {
		t.Error("details still shown after the selection was cleared")
	}
}

// TestFirstSizeFitsSmallScreen: the first window, details open, fits a
// 1024×640 screen with room for a title bar.
func TestFirstSizeFitsSmallScreen(t *testing.T) {
	u := keysUI(t, 3)
	u.win.Resize(firstWindowSize) // keysUI sized it for other tests
	u.table.click(0, 0)
	min := u.win.Content().MinSize()
	if min.Width > firstWindowSize.Width || min.Height > firstWindowSize.Height {
		t.Errorf("content needs %v, more than the first size %v", min, firstWindowSize)
	}
	if firstWindowSize.Width > 1024 || firstWindowSize.Height > 640-40 {
		t.Errorf("first size %v does not fit 1024×640 with a title bar", firstWindowSize)
	}
}

// TestGeometryRemembered: window size, splits and column widths survive
// quitting and starting again.
func TestGeometryRemembered(t *testing.T) {
	a := test.NewTempApp(t)
	eng := fakeengine.New(downloader.DefaultSettings(t.TempDir()))
	u := newUI(a, eng, Options{OnQuit: func() {}})
	if got := u.win.Canvas().Size(); got != firstWindowSize {
		t.Errorf("first size %v, want %v", got, firstWindowSize)
	}
	u.win.Resize(fyne.NewSize(1100, 700))
	test.RenderToMarkup(u.win.Canvas())
	u.layout.body.SetOffset(0.25)
	u.table.resizeColumn(colSize, 40)
	u.table.resizeColumn(colName, -60)
	want := *u.table.cols
	u.quit()
	u.Close()

	u2 := newUI(a, eng, Options{})
	defer u2.Close()
	if got := u2.win.Canvas().Size(); got != fyne.NewSize(1100, 700) {
		t.Errorf("size %v after restart, want 1100×700", got)
	}
	if u2.layout.body.Offset < 0.249 || u2.layout.body.Offset > 0.251 {
		t.Errorf("sidebar split %.3f after restart, want 0.25", u2.layout.body.Offset)
	}
	got := *u2.table.cols
	if got.fixed != want.fixed || got.nameShare < want.nameShare-0.001 || got.nameShare > want.nameShare+0.001 {
		t.Errorf("columns %+v after restart, want %+v", got, want)
	}
	if got.fixed[colSize] != defaultColumnWidths[colSize]+40 {
		t.Errorf("Size column %v, want %v", got.fixed[colSize], defaultColumnWidths[colSize]+40)
	}
}

// TestColumnWidthsParse: a damaged saved value leaves the defaults.
func TestColumnWidthsParse(t *testing.T) {
	for _, s := range []string{"", "1,2,3", "84,132,92,72,abc", "84,132,92,72,0.95", "10,132,92,72,0.5", "84,132,92,72"} {
		c := newColumnWidths()
		c.parse(s)
		if *c != *newColumnWidths() {
			t.Errorf("parse(%q) changed the widths to %+v", s, *c)
		}
	}
	c := newColumnWidths()
	c.parse("100,150,90,60,0.400")
	if c.fixed[colSize] != 100 || c.fixed[colETA] != 60 || c.nameShare < 0.399 || c.nameShare > 0.401 {
		t.Errorf("parse of a good value gave %+v", *c)
	}
}
