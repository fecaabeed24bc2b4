package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Fields of Haul's dialogs. Fyne 2.7 gives every key to the focused
// widget, and its Entry, Select, Check and List drop Esc; they take the
// focus when clicked, so once the user had clicked into a dialog, Esc no
// longer closed it. These wrappers give Esc to the window's key handler,
// as if nothing had the focus, where dialogKey closes the open dialog as
// its Cancel would: one place decides, and no field needs to know its
// dialog. Build a dialog's fields with the constructors below, not
// widget.NewEntry and the like; TestEscFromEveryDialogField finds a plain
// one. (Buttons take the focus only from Tab, and a RadioGroup's items
// are Fyne's own, so those still drop Esc.)

// escKey gives Esc from field to its window's key handler and any other
// key to own, the widget's own TypedKey.
func escKey(field fyne.CanvasObject, k *fyne.KeyEvent, own func(*fyne.KeyEvent)) {
	if k.Name != fyne.KeyEscape {
		own(k)
		return
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(field); c != nil && c.OnTypedKey() != nil {
		c.OnTypedKey()(k)
	}
}

// extend makes w the widget its BaseWidget draws and hands events to, as
// widget.NewEntry and the like do for theirs.
func extend[W interface {
	fyne.Widget
	ExtendBaseWidget(fyne.Widget)
}](w W) W {
	w.ExtendBaseWidget(w)
	return w
}

// entryWrapping is widget.NewEntry's: a long line is clipped.
const entryWrapping = fyne.TextWrap(fyne.TextTruncateClip)

// escEntry is a text field: one line, a password or several lines.
type escEntry struct{ widget.Entry }

func newEntry() *escEntry { return extend(&escEntry{widget.Entry{Wrapping: entryWrapping}}) }

// newPasswordEntry hides its text; the Entry's renderer adds the reveal
// button to any Password entry.
func newPasswordEntry() *escEntry {
	return extend(&escEntry{widget.Entry{Password: true, Wrapping: entryWrapping}})
}

// newMultiLineEntry keeps Enter for new lines: only Esc goes on.
func newMultiLineEntry() *escEntry {
	return extend(&escEntry{widget.Entry{MultiLine: true, Wrapping: entryWrapping}})
}

func (e *escEntry) TypedKey(k *fyne.KeyEvent) { escKey(e, k, e.Entry.TypedKey) }

// escSelectEntry is a text field with a menu of suggestions.
type escSelectEntry struct{ widget.SelectEntry }

func newSelectEntry(options []string) *escSelectEntry {
	e := extend(&escSelectEntry{widget.SelectEntry{Entry: widget.Entry{Wrapping: entryWrapping}}})
	e.SetOptions(options)
	return e
}

func (e *escSelectEntry) TypedKey(k *fyne.KeyEvent) { escKey(e, k, e.SelectEntry.TypedKey) }

// escSelect is a choice from a menu.
type escSelect struct{ widget.Select }

func newSelect(options []string, changed func(string)) *escSelect {
	return extend(&escSelect{widget.Select{Options: options, OnChanged: changed}})
}

func (s *escSelect) TypedKey(k *fyne.KeyEvent) { escKey(s, k, s.Select.TypedKey) }

// escCheck is a check box.
type escCheck struct{ widget.Check }

func newCheck(label string, changed func(bool)) *escCheck {
	return extend(&escCheck{widget.Check{Text: label, OnChanged: changed}})
}

func (c *escCheck) TypedKey(k *fyne.KeyEvent) { escKey(c, k, c.Check.TypedKey) }

// escList is a list a dialog shows, such as Settings → Sites.
type escList struct{ widget.List }

func newList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *escList {
	return extend(&escList{widget.List{Length: length, CreateItem: create, UpdateItem: update}})
}

func (l *escList) TypedKey(k *fyne.KeyEvent) { escKey(l, k, l.List.TypedKey) }
