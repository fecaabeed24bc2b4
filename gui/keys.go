package gui

import (
	"fyne.io/fyne/v2"
)

// wheelNotch is how far one mouse-wheel notch scrolls in Fyne 2.7's
// desktop driver, and rowsPerNotch how many rows Haul moves for it: the
// driver's 25 px are under one row.
const (
	wheelNotch   = 25
	rowsPerNotch = 3
)

// dialogKey answers Esc and Enter for the open dialog when no field has
// the focus, and Esc also when one has (dialogfields.go): Esc closes it as
// Cancel would, Enter picks its default button. It reports whether a
// dialog took the key.
func (u *UI) dialogKey(k fyne.KeyName) bool {
	esc := k == fyne.KeyEscape
	enter := k == fyne.KeyReturn || k == fyne.KeyEnter
	if !esc && !enter {
		return u.dialogOpen()
	}
	if ov := u.win.Canvas().Overlays(); len(ov.List()) > u.dialogsShown() {
		// Something stands over Haul's dialogs, or alone: a message
		// (dialog.ShowInformation, ShowError: one button), a folder
		// picker, a menu. The key closes it, not a dialog under it,
		// which keeps what was typed.
		ov.Top().Hide()
		return true
	}
	switch {
	case u.closeAsk != nil:
		if enter {
			u.closeAsk.confirm()
		} else {
			u.closeAsk.dlg.Hide()
		}
	case u.remove != nil:
		if enter {
			u.remove.dlg.Confirm()
		} else {
			u.remove.dlg.Hide()
		}
	case u.add != nil:
		if enter {
			u.add.submitDefault()
		} else {
			u.add.close()
		}
	case u.link != nil:
		// Hide runs the dialog's close handler, which cancels a same-file
		// check still running; removing the overlay would not.
		if ok := u.link.ok; enter && !ok.Disabled() && ok.OnTapped != nil {
			ok.OnTapped()
		} else if esc {
			u.link.dlg.Hide()
		}
	case u.settingsDlg != nil && u.settingsDlg.sites.form != nil:
		// The site editor sits over Settings: the key is its own.
		if f := u.settingsDlg.sites.form; enter {
			f.dlg.Submit()
		} else {
			f.dlg.Hide()
		}
	case u.settingsDlg != nil:
		if save := u.settingsDlg.save; enter && !save.Disabled() && save.OnTapped != nil {
			save.OnTapped()
		} else if esc {
			u.settingsDlg.dlg.Hide()
		}
	default:
		return false // nothing open: messages were closed above
	}
	return true
}

// dialogsShown counts the overlays Haul's own dialogs take: each open
// dialog one, the site editor one more over Settings.
func (u *UI) dialogsShown() int {
	n := 0
	for _, open := range []bool{u.closeAsk != nil, u.remove != nil, u.add != nil, u.link != nil, u.settingsDlg != nil,
		u.settingsDlg != nil && u.settingsDlg.sites.form != nil} {
		if open {
			n++
		}
	}
	return n
}

// listKey moves the selection for Home, End, Page Up and Page Down, and
// reports whether k was one of them.
func (u *UI) listKey(k fyne.KeyName) bool {
	t := u.table
	n := len(t.model.view)
	page := max(int(t.list.Size().Height/t.rowPitch())-1, 1)
	switch k {
	case fyne.KeyHome:
		t.step(-n)
	case fyne.KeyEnd:
		t.step(n)
	case fyne.KeyPageUp:
		t.step(-page)
	case fyne.KeyPageDown:
		t.step(page)
	default:
		return false
	}
	return true
}

// rowPitch is the distance from one row's top to the next's.
func (t *taskTable) rowPitch() float32 {
	if t.pitch == 0 {
		t.pitch = newTaskRow(t).MinSize().Height + t.list.Theme().Size("padding")
	}
	return t.pitch
}

// Scrolled moves the list rowsPerNotch rows per wheel notch; the row
// takes the event so the list's own scroller, which moves less than a
// row, does not.
func (r *taskRow) Scrolled(ev *fyne.ScrollEvent) {
	t := r.t
	t.list.ScrollToOffset(t.list.GetScrollOffset() - ev.Scrolled.DY/wheelNotch*rowsPerNotch*t.rowPitch())
}
