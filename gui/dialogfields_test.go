package gui

import (
	"fmt"
	"reflect"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
	"haul/internal/fakeengine"
)

// dialogField is a widget of an open dialog that takes the focus, and
// how to bring it on screen (select its tab).
type dialogField struct {
	obj  fyne.Focusable
	show func()
}

// dialogFields lists the widgets under o that take the focus from a
// click, in a fixed order. Buttons take it only from Tab and a
// RadioGroup's items are Fyne's own: those are left out.
func dialogFields(o fyne.CanvasObject, show func()) []dialogField {
	switch o := o.(type) {
	case *widget.Button, *widget.RadioGroup:
		return nil
	case fyne.Focusable:
		return []dialogField{{o, show}}
	case *container.AppTabs:
		var out []dialogField
		for _, it := range o.Items {
			out = append(out, dialogFields(it.Content, func() { show(); o.Select(it) })...)
		}
		return out
	case *fyne.Container:
		var out []dialogField
		for _, c := range o.Objects {
			out = append(out, dialogFields(c, show)...)
		}
		return out
	case fyne.Widget:
		var out []dialogField
		for _, c := range test.WidgetRenderer(o).Objects() {
			out = append(out, dialogFields(c, show)...)
		}
		return out
	}
	return nil
}

// fieldKind names the kind of field f is, for the coverage check.
func fieldKind(f fyne.Focusable) string {
	switch f := f.(type) {
	case *escEntry:
		switch {
		case f.Password:
			return "password"
		case f.MultiLine:
			return "multi-line"
		}
		return "entry"
	case *escSelectEntry:
		return "select entry"
	case *escSelect:
		return "select"
	case *escCheck:
		return "check"
	case *escList:
		return "list"
	}
	return fmt.Sprintf("%T", f)
}

// edit changes f as a user would before giving up on the dialog.
func edit(f fyne.Focusable) {
	switch f := f.(type) {
	case *escCheck:
		f.SetChecked(!f.Checked)
	case *escSelect:
		f.SetSelectedIndex((f.SelectedIndex() + 1) % len(f.Options))
	default:
		test.Type(f, "9")
	}
}

// TestEscFromEveryDialogField: in every dialog, Esc pressed in any field
// that has the focus closes the dialog as its Cancel would, after an
// edit, and nothing is saved. The fields are found by walking the open
// dialog, so a field added later is tried too.
func TestEscFromEveryDialogField(t *testing.T) {
	twoLinks := "https://example.com/a.bin\nhttps://example.org/a.bin"
	cases := []struct {
		name string
		open func(u *UI)
		// closed reports whether the dialog closed as its Cancel does.
		closed func(u *UI) bool
		kinds  []string // each must have been tried
	}{
		{"add", func(u *UI) { u.showAdd("https://example.com/a.bin") },
			func(u *UI) bool { return u.add == nil },
			[]string{"multi-line", "entry", "select entry", "select", "check"}},
		{"add, several links", func(u *UI) { u.showAdd(twoLinks) }, // the mirrors choice shows
			func(u *UI) bool { return u.add == nil },
			[]string{"multi-line", "entry", "select entry", "select", "check"}},
		{"change link", func(u *UI) { u.showChangeLink(u.eng.List()[0], "https://mirror.example.org/a.bin", false) },
			func(u *UI) bool { return u.link == nil },
			[]string{"entry"}},
		{"remove", func(u *UI) { u.table.click(0, 0); u.confirmRemove(false) },
			func(u *UI) bool { return u.remove == nil },
			[]string{"check"}},
		{"settings", func(u *UI) {
			u.showSettings()
			u.settingsDlg.sched.addRow(true, downloader.Window{Days: downloader.EveryDay, Start: 60, End: 120}, 0) // as "Add a speed limit" does
		},
			func(u *UI) bool { return u.settingsDlg == nil },
			[]string{"entry", "password", "multi-line", "select", "check", "list"}},
		{"site editor", func(u *UI) { u.showSettings(); u.settingsDlg.sites.edit(-1) },
			func(u *UI) bool { return u.settingsDlg != nil && u.settingsDlg.sites.form == nil }, // Settings stay
			[]string{"entry", "password", "multi-line"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := keysUI(t, 1)
			eng := u.eng.(*fakeengine.Engine)
			before := eng.Settings()
			fieldsOf := func() []dialogField {
				c.open(u)
				return dialogFields(u.win.Canvas().Overlays().Top(), func() {})
			}
			// closeAll closes what is left open (Settings under the site
			// editor) as Esc does with no field focused.
			closeAll := func() {
				for range 3 {
					u.win.Canvas().Unfocus()
					u.dialogKey(fyne.KeyEscape)
				}
				if u.dialogOpen() {
					t.Fatal("a dialog stays open")
				}
			}
			n := len(fieldsOf())
			closeAll()
			tried := map[string]bool{}
			for i := range n {
				fields := fieldsOf()
				if len(fields) != n {
					t.Fatalf("%d fields, then %d", n, len(fields))
				}
				overlays := len(u.win.Canvas().Overlays().List())
				f := fields[i]
				f.show()
				edit(f.obj)
				u.win.Canvas().Focus(f.obj)
				// A hidden or disabled field cannot have the focus, nor
				// take Esc: another of its kind must.
				if u.win.Canvas().Focused() == f.obj {
					tried[fieldKind(f.obj)] = true
					u.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
					if !c.closed(u) || len(u.win.Canvas().Overlays().List()) != overlays-1 {
						t.Errorf("Esc in field %d (%s) did not close the dialog", i, fieldKind(f.obj))
					}
				}
				closeAll()
				if calls, added := eng.CallLog(), eng.Requests(); len(calls) > 0 || len(added) > 0 || !reflect.DeepEqual(eng.Settings(), before) {
					t.Fatalf("Esc in field %d (%s) saved: calls %v, added %v", i, fieldKind(f.obj), calls, added)
				}
			}
			for _, k := range c.kinds {
				if !tried[k] {
					t.Errorf("no %s field had the focus", k)
				}
			}
		})
	}
}

// TestDialogFieldsKeepTheirKeys: routing Esc leaves the rest as Fyne's
// fields have it: a password hides its text until revealed, Enter makes a
// new line in a multi-line field, arrows move a choice.
func TestDialogFieldsKeepTheirKeys(t *testing.T) {
	test.NewTempApp(t)

	pw := newPasswordEntry()
	test.NewTempWindow(t, pw)
	test.Type(pw, "secret")
	if !pw.Password || pw.ActionItem == nil {
		t.Fatalf("password field: hidden %v, reveal button %v", pw.Password, pw.ActionItem != nil)
	}
	test.Tap(pw.ActionItem.(fyne.Tappable))
	if pw.Password {
		t.Error("the reveal button did not show the password")
	}

	ml := newMultiLineEntry()
	w := test.NewTempWindow(t, ml)
	w.Canvas().Focus(ml)
	test.Type(ml, "a")
	ml.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Type(ml, "b")
	if ml.Text != "a\nb" {
		t.Errorf("multi-line field after a, Enter, b: %q", ml.Text)
	}

	sel := newSelect([]string{"x", "y"}, nil)
	sel.SetSelectedIndex(0)
	sel.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	if sel.Selected != "y" {
		t.Errorf("Right on a choice selected %q", sel.Selected)
	}
}
