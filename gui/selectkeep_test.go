package gui_test

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"haul/downloader"
)

// TestRemoveSelectsNextRow: after Remove the row that takes the removed
// task's place is selected, so the list does not jump and Delete can go on.
func TestRemoveSelectsNextRow(t *testing.T) {
	cases := []struct {
		selected []int
		want     string
	}{
		{[]int{1}, "c"},         // the middle one: the next row
		{[]int{3}, "c"},         // the last one: the new last row
		{[]int{1, 2}, "d"},      // several: the row after them
		{[]int{0, 1, 2, 3}, ""}, // everything: nothing left to select
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.selected), func(t *testing.T) {
			u, _ := open(t, task("a", downloader.StatePaused, 0), task("b", downloader.StatePaused, 1),
				task("c", downloader.StatePaused, 2), task("d", downloader.StatePaused, 3))
			for i, r := range tc.selected {
				mod := fyne.KeyModifier(0)
				if i > 0 {
					mod = fyne.KeyModifierControl
				}
				u.Click(r, mod)
			}
			key(u, fyne.KeyDelete)
			u.RemoveForm().Confirm()
			u.Pump()
			got := strings.Join(u.Selected(), ",")
			if got != tc.want {
				t.Errorf("selected %q after removing rows %v, want %q", got, tc.selected, tc.want)
			}
		})
	}
}

// TestAddingManyLinksSelectsOne: 2,000 links added at once leave one row
// selected, the first, not 2,000 waiting for a stray Delete.
func TestAddingManyLinksSelectsOne(t *testing.T) {
	u, _ := open(t)
	shortcut(u, fyne.KeyN)
	f := u.AddForm()
	var b strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&b, "https://example.com/f%04d.bin\n", i)
	}
	f.URLs.SetText(b.String())
	test.Tap(f.OK)
	u.Pump()
	if n := len(u.Rows()); n != 2000 {
		t.Fatalf("%d rows, want 2000", n)
	}
	if sel := u.Selected(); len(sel) != 1 {
		t.Errorf("%d rows selected after adding 2,000 links, want 1", len(sel))
	}
}

// TestToolbarAtFirstStart: with nothing selected, the actions that need a
// selection are disabled from the start, not only after a first click.
func TestToolbarAtFirstStart(t *testing.T) {
	for _, tasks := range [][]downloader.Snapshot{nil, {task("a", downloader.StatePaused, 0)}} {
		u, _ := open(t, tasks...)
		tb := u.Toolbar()
		for name, b := range map[string]interface{ Disabled() bool }{"Resume": tb.Resume, "Pause": tb.Pause, "Remove": tb.Remove, "Open folder": tb.Folder} {
			if !b.Disabled() {
				t.Errorf("%d tasks: %s is enabled with nothing selected", len(tasks), name)
			}
		}
		if tb.Add.Disabled() || tb.Settings.Disabled() {
			t.Error("Add or Settings is disabled")
		}
	}
}
