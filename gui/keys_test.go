package gui

import (
	"errors"
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"

	"haul/downloader"
	"haul/internal/fakeengine"
)

func keysUI(t *testing.T, n int) *UI {
	t.Helper()
	a := test.NewTempApp(t)
	var tasks []downloader.Snapshot
	for i := range n {
		tasks = append(tasks, downloader.Snapshot{ID: fmt.Sprintf("t%03d", i), Name: fmt.Sprintf("f%03d.bin", i),
			State: downloader.StatePaused, Size: 10, ETA: -1, Position: i})
	}
	u := newUI(a, fakeengine.New(downloader.DefaultSettings(t.TempDir()), tasks...), Options{})
	t.Cleanup(u.Close)
	u.win.Resize(fyne.NewSize(1200, 640))
	test.RenderToMarkup(u.win.Canvas()) // lay out, so rows exist
	return u
}

func typeKey(u *UI, k fyne.KeyName) {
	if f := u.win.Canvas().Focused(); f != nil {
		f.TypedKey(&fyne.KeyEvent{Name: k})
		return
	}
	u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: k})
}

// TestEscAndEnterInDialogs: Esc closes each dialog as Cancel would, also
// from a focused text field; Enter picks the default button.
func TestEscAndEnterInDialogs(t *testing.T) {
	u := keysUI(t, 3)
	u.table.click(0, 0)

	typeKey(u, fyne.KeyDelete)
	if u.remove == nil {
		t.Fatal("Delete did not ask")
	}
	typeKey(u, fyne.KeyEscape)
	if u.remove != nil || len(u.model.view) != 3 {
		t.Errorf("Esc on the remove question: open %v, %d rows", u.remove != nil, len(u.model.view))
	}

	u.showAdd("https://example.com/a.bin")
	if u.win.Canvas().Focused() == nil {
		t.Fatal("the add dialog's link field has no focus")
	}
	typeKey(u, fyne.KeyEscape)
	if u.add != nil {
		t.Error("Esc in the link field did not close the add dialog")
	}

	u.showAdd("https://example.com/a.bin")
	u.win.Canvas().Focus(u.add.name)
	u.add.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if u.add != nil {
		t.Error("Enter in the file name field did not add")
	}

	u.win.Canvas().Unfocus()
	typeKey(u, fyne.KeyDelete)
	typeKey(u, fyne.KeyReturn)
	if u.remove != nil {
		t.Error("Enter did not confirm the remove question")
	}
}

// TestListKeys: Home, End, Page Up and Page Down move the selection.
func TestListKeys(t *testing.T) {
	u := keysUI(t, 100)
	typeKey(u, fyne.KeyHome) // the details pane opens, the list gets shorter
	test.RenderToMarkup(u.win.Canvas())
	page := int(u.table.list.Size().Height/u.table.rowPitch()) - 1
	if page < 2 {
		t.Fatalf("a page of %d rows", page)
	}
	steps := []struct {
		key  fyne.KeyName
		want int
	}{
		{fyne.KeyEnd, 99},
		{fyne.KeyHome, 0},
		{fyne.KeyPageDown, page},
		{fyne.KeyPageDown, 2 * page},
		{fyne.KeyPageUp, page},
	}
	for _, s := range steps {
		typeKey(u, s.key)
		sel := u.table.selection()
		if len(sel) != 1 || u.model.index[sel[0].ID] != s.want {
			t.Fatalf("after %s: selection %v, want row %d", s.key, sel, s.want)
		}
	}
}

// TestWheelMovesThreeRows: one wheel notch over the list moves it three
// rows, not Fyne's 25 px.
func TestWheelMovesThreeRows(t *testing.T) {
	u := keysUI(t, 100)
	r := u.table.shown[u.model.view[0]]
	if r == nil {
		t.Fatal("row 0 is not on screen")
	}
	r.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.Delta{DY: -wheelNotch}})
	if got, want := u.table.list.GetScrollOffset(), 3*u.table.rowPitch(); got < want-0.5 || got > want+0.5 {
		t.Errorf("one notch scrolled %.1f px, want %.1f (three rows)", got, want)
	}
}

// TestMenusShowShortcuts: the menu items that have a key say so.
func TestMenusShowShortcuts(t *testing.T) {
	u := keysUI(t, 0)
	want := map[string]bool{"Add downloads…": true, "Settings…": true, "Quit": true, "Select all": true}
	for _, m := range u.win.MainMenu().Items {
		for _, it := range m.Items {
			if want[it.Label] {
				if _, ok := it.Shortcut.(fyne.KeyboardShortcut); !ok {
					t.Errorf("menu item %q shows no shortcut", it.Label)
				}
				delete(want, it.Label)
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("menu items missing: %v", want)
	}
}

// TestEscClosesMessages: Esc and Enter close a message box, and while one
// is open the list's keys do not act behind it.
func TestEscClosesMessages(t *testing.T) {
	u := keysUI(t, 2)
	u.table.click(0, 0)
	for _, k := range []fyne.KeyName{fyne.KeyEscape, fyne.KeyReturn} {
		u.report([]error{errors.New("something went wrong")})
		if u.win.Canvas().Overlays().Top() == nil {
			t.Fatal("no message box")
		}
		typeKey(u, fyne.KeyDelete) // behind the box: must not ask to remove
		if u.remove != nil {
			t.Fatal("Delete acted on the list behind a message box")
		}
		typeKey(u, k)
		if u.win.Canvas().Overlays().Top() != nil {
			t.Errorf("%s did not close the message box", k)
		}
	}
}

// TestKeysOverDialogs: Esc or Enter with a message over a dialog closes
// the message; the dialog under it stays open with what was typed.
func TestKeysOverDialogs(t *testing.T) {
	for _, k := range []fyne.KeyName{fyne.KeyEscape, fyne.KeyReturn} {
		for _, c := range []struct {
			name string
			open func(u *UI)
			shut func(u *UI) bool
		}{
			{"Settings", func(u *UI) { u.showSettings() }, func(u *UI) bool { return u.settingsDlg == nil }},
			{"the add dialog", func(u *UI) { u.showAdd("https://example.com/a.bin") }, func(u *UI) bool { return u.add == nil }},
		} {
			t.Run(c.name+", "+string(k), func(t *testing.T) {
				u := keysUI(t, 0)
				c.open(u)
				u.win.Canvas().Unfocus()
				dialog.ShowInformation("Test", "a message over the dialog", u.win)
				if n := len(u.win.Canvas().Overlays().List()); n != 2 {
					t.Fatalf("%d overlays, want the dialog and the message", n)
				}
				typeKey(u, k)
				if c.shut(u) {
					t.Fatalf("%s closed %s under the message", k, c.name)
				}
				if n := len(u.win.Canvas().Overlays().List()); n != 1 {
					t.Fatalf("%d overlays after %s, want only the dialog", n, k)
				}
				typeKey(u, fyne.KeyEscape)
				if !c.shut(u) {
					t.Fatalf("a second Esc did not close %s", c.name)
				}
			})
		}
	}
}

// TestSettingsKeys: Esc closes Settings unsaved, Enter saves.
func TestSettingsKeys(t *testing.T) {
	u := keysUI(t, 0)
	u.showSettings()
	typeKey(u, fyne.KeyEscape)
	if u.settingsDlg != nil {
		t.Fatal("Esc did not close Settings")
	}
	u.showSettings()
	u.settingsDlg.maxActive.SetText("5")
	u.win.Canvas().Unfocus()
	typeKey(u, fyne.KeyReturn)
	if u.settingsDlg != nil || u.eng.Settings().MaxActive != 5 {
		t.Errorf("Enter: open %v, max active %d, want closed and 5", u.settingsDlg != nil, u.eng.Settings().MaxActive)
	}
}

// TestEscClosesChangeLink: Esc closes "Change link…" through its close
// handler, which cancels a same-file check still running (removing the
// overlay, as for a plain message, left the check to resume the download).
func TestEscClosesChangeLink(t *testing.T) {
	u := keysUI(t, 1)
	s := u.eng.List()[0]
	u.showChangeLink(s, "https://mirror.example.org/a.bin", false)
	if u.link == nil {
		t.Fatal("no Change link dialog")
	}
	u.win.Canvas().Unfocus()
	typeKey(u, fyne.KeyEscape)
	if u.link != nil {
		t.Error("Esc closed the dialog without its close handler (the check is not canceled)")
	}
}
