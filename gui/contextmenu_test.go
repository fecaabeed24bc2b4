package gui_test

import (
	"fmt"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
)

// findMenu walks an object tree down to the first menu.
func findMenu(o fyne.CanvasObject) *widget.Menu {
	switch x := o.(type) {
	case *widget.Menu:
		return x
	case *widget.PopUpMenu:
		return x.Menu
	case *fyne.Container:
		for _, c := range x.Objects {
			if m := findMenu(c); m != nil {
				return m
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			if m := findMenu(c); m != nil {
				return m
			}
		}
	}
	return nil
}

func TestContextMenuActsOnRow(t *testing.T) {
	u, eng := open(t,
		task("a", downloader.StateQueued, 0),
		task("b", downloader.StateQueued, 1),
		task("c", downloader.StateCompleted, 2),
	)
	test.RenderToMarkup(u.Window().Canvas()) // lay the rows out
	u.Click(0, 0)
	row := u.Row("b")
	if row == nil {
		t.Fatal("row b is not on screen")
	}
	test.TapSecondary(row) // right-click on an unselected row selects it
	if got := u.Selected(); !slices.Equal(got, []string{"b"}) {
		t.Errorf("selection after right-click = %v, want [b]", got)
	}
	menu := findMenu(u.Window().Canvas().Overlays().Top())
	if menu == nil {
		t.Fatalf("no context menu; top overlay %T", u.Window().Canvas().Overlays().Top())
	}
	// Items: Open, Open folder, Copy address, —, Pause, Move up, Move down,
	// Move to top, …
	const copyAddress, moveTop = 2, 7
	test.Tap(menu.Items[moveTop].(fyne.Tappable))
	if got, want := eng.CallLog(), []string{fmt.Sprintf("move b %d", downloader.MoveTop)}; !slices.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}

	// The engine moved b to the top: its row is another one now.
	test.RenderToMarkup(u.Window().Canvas())
	if row = u.Row("b"); row == nil {
		t.Fatal("row b is not on screen after the move")
	}
	test.TapSecondary(row)
	menu = findMenu(u.Window().Canvas().Overlays().Top())
	test.Tap(menu.Items[copyAddress].(fyne.Tappable))
	if got := fyne.CurrentApp().Clipboard().Content(); got != "https://example.com/b.bin" {
		t.Errorf("clipboard = %q", got)
	}
}
