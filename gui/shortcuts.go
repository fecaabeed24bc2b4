package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// addShortcuts binds the keyboard. Modifier shortcuts use
// KeyModifierShortcutDefault: Ctrl, or Cmd on macOS. Plain keys go
// through the canvas's key handler, which only sees them when no entry
// has focus, so typing a space in a dialog never pauses a download.
func (u *UI) addShortcuts() {
	c := u.win.Canvas()
	bind := func(key fyne.KeyName, f func()) {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault},
			func(fyne.Shortcut) { f() })
	}
	bind(fyne.KeyN, func() { u.showAdd("") })
	bind(fyne.KeyV, u.pasteLinks)
	bind(fyne.KeyA, u.table.selectAll)
	bind(fyne.KeyComma, u.showSettings)
	bind(fyne.KeyQ, u.quit)
	// Fyne routes Ctrl+V and Ctrl+A on the canvas as these standard
	// shortcuts, not as CustomShortcut, on some drivers.
	c.AddShortcut(&fyne.ShortcutPaste{}, func(fyne.Shortcut) { u.pasteLinks() })
	c.AddShortcut(&fyne.ShortcutSelectAll{}, func(fyne.Shortcut) { u.table.selectAll() })

	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if u.dialogKey(ev.Name) || u.listKey(ev.Name) {
			return
		}
		switch ev.Name {
		case fyne.KeyDelete:
			u.confirmRemove(false)
		case fyne.KeySpace:
			u.toggleSelected()
		case fyne.KeyUp:
			u.table.step(-1)
		case fyne.KeyDown:
			u.table.step(1)
		case fyne.KeyReturn, fyne.KeyEnter:
			if sel := u.table.selection(); len(sel) == 1 {
				u.openTask(sel[0])
			}
		}
	})
}

// pasteLinks opens the add dialog with whatever the clipboard holds, so
// a bad link is explained rather than ignored.
func (u *UI) pasteLinks() {
	if text := u.app.Clipboard().Content(); text != "" {
		if u.pasteOntoTask(text) {
			return
		}
		u.showAdd(text)
		return
	}
	u.showAdd("")
}

func (u *UI) dialogOpen() bool {
	return u.add != nil || u.remove != nil || u.settingsDlg != nil || u.closeAsk != nil ||
		u.win.Canvas().Overlays().Top() != nil // a message box or a menu
}
