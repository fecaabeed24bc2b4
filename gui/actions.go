package gui

import (
	"errors"
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
)

// Actions on the selection. Each collects failures and reports them once,
// as sentences naming the file.

func (u *UI) resumeSelected() {
	u.each(func(s *downloader.Snapshot) error {
		if !resumable(s) {
			return nil
		}
		return u.eng.Resume(s.ID)
	})
}

func (u *UI) pauseSelected() {
	u.each(func(s *downloader.Snapshot) error {
		if !pausable(s) {
			return nil
		}
		return u.eng.Pause(s.ID)
	})
}

// toggleSelected is Space: pause if anything selected is moving, else
// resume.
func (u *UI) toggleSelected() {
	for _, s := range u.table.selection() {
		if pausable(s) {
			u.pauseSelected()
			return
		}
	}
	u.resumeSelected()
}

func (u *UI) moveSelected(to downloader.MoveTo) {
	sel := u.table.selection()
	// Moving down in view order would make neighbours leapfrog each
	// other; walk from the far end instead.
	if to == downloader.MoveDown || to == downloader.MoveTop {
		for i, j := 0, len(sel)-1; i < j; i, j = i+1, j-1 {
			sel[i], sel[j] = sel[j], sel[i]
		}
	}
	var errs []error
	for _, s := range sel {
		if err := u.eng.Move(s.ID, to); err != nil {
			errs = append(errs, taskError(s, err))
		}
	}
	u.resync()
	u.report(errs)
}

// resync reloads every task from the engine. A move shifts the positions
// of tasks that get no event of their own, so after one the queue order
// is read afresh; it is a user action, not a per-tick cost.
func (u *UI) resync() {
	list := u.eng.List()
	evs := make([]downloader.Event, len(list))
	for i, s := range list {
		evs[i] = downloader.Event{Kind: downloader.EventChanged, Task: s}
	}
	u.apply(batch{events: evs})
}

func (u *UI) each(f func(*downloader.Snapshot) error) {
	var errs []error
	for _, s := range u.table.selection() {
		if err := f(s); err != nil {
			errs = append(errs, taskError(s, err))
		}
	}
	u.report(errs)
}

func taskError(s *downloader.Snapshot, err error) error {
	return fmt.Errorf("%s: %w", displayName(s), err)
}

// report shows failures in one dialog, or nothing when all went well.
func (u *UI) report(errs []error) {
	if len(errs) > 0 {
		dialog.ShowError(errors.Join(errs...), u.win)
	}
}

func (u *UI) openTask(s *downloader.Snapshot) {
	if s.State != downloader.StateCompleted {
		return
	}
	if err := u.openPath(s.Path()); err != nil {
		u.report([]error{couldNotOpen(s.Path(), err)})
	}
}

func (u *UI) openFolderSelected() {
	sel := u.table.selection()
	if len(sel) == 0 {
		return
	}
	folder := sel[0].Folder
	if folder == "" {
		folder = u.eng.Settings().Folder
	}
	if err := u.openPath(folder); err != nil {
		u.report([]error{couldNotOpen(folder, err)})
	}
}

func couldNotOpen(path string, err error) error {
	return fmt.Errorf("%s %w", lang.L("Could not open {{.Path}}:", map[string]any{"Path": path}), err)
}

func (u *UI) copyURLs() {
	sel := u.table.selection()
	text := ""
	for i, s := range sel {
		if i > 0 {
			text += "\n"
		}
		text += s.URL
	}
	if text != "" {
		u.app.Clipboard().SetContent(text)
	}
}

// showContextMenu is the right-click menu for the selection.
func (u *UI) showContextMenu(c fyne.Canvas, pos fyne.Position) {
	sel := u.table.selection()
	if len(sel) == 0 {
		return
	}
	canResume, canPause := false, false
	for _, s := range sel {
		canResume = canResume || resumable(s)
		canPause = canPause || pausable(s)
	}
	item := func(label string, icon fyne.Resource, on bool, f func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, f)
		it.Icon = icon
		it.Disabled = !on
		return it
	}
	one := len(sel) == 1
	open := item(lang.L("Open"), theme.FileIcon(), one && sel[0].State == downloader.StateCompleted, func() { u.openTask(sel[0]) })
	var toggle *fyne.MenuItem
	if canPause {
		toggle = item(lang.L("Pause"), theme.MediaPauseIcon(), true, u.pauseSelected)
	} else {
		toggle = item(lang.L("Resume"), theme.MediaPlayIcon(), canResume, u.resumeSelected)
	}
	menu := fyne.NewMenu("",
		open,
		item(lang.L("Open folder"), theme.FolderOpenIcon(), one, u.openFolderSelected),
		item(lang.L("Copy address"), theme.ContentCopyIcon(), true, u.copyURLs),
		fyne.NewMenuItemSeparator(),
		toggle,
		item(lang.L("Move up"), theme.MoveUpIcon(), true, func() { u.moveSelected(downloader.MoveUp) }),
		item(lang.L("Move down"), theme.MoveDownIcon(), true, func() { u.moveSelected(downloader.MoveDown) }),
		item(lang.L("Move to top"), theme.MenuDropUpIcon(), true, func() { u.moveSelected(downloader.MoveTop) }),
		item(lang.L("Move to bottom"), theme.MenuDropDownIcon(), true, func() { u.moveSelected(downloader.MoveBottom) }),
		fyne.NewMenuItemSeparator(),
		item(lang.L("Remove"), theme.ContentRemoveIcon(), true, func() { u.confirmRemove(false) }),
		item(lang.L("Remove and delete file"), theme.DeleteIcon(), true, func() { u.confirmRemove(true) }),
	)
	if it := u.startNowItem(sel); it != nil {
		menu.Items = slices.Insert(menu.Items, 5, it)
	}
	widget.ShowPopUpMenuAtPosition(menu, c, pos)
}

// removeDialog asks before removing; deleting files is one tick away but
// never the default from the toolbar.
type removeDialog struct {
	dlg        *dialog.ConfirmDialog
	deleteFile *escCheck
	ids        []string
}

func (u *UI) confirmRemove(deleteFile bool) {
	sel := u.table.selection()
	if len(sel) == 0 {
		return
	}
	rd := &removeDialog{}
	for _, s := range sel {
		rd.ids = append(rd.ids, s.ID)
	}
	var msg string
	if len(sel) == 1 {
		msg = lang.L("Remove “{{.Name}}” from the list?", map[string]any{"Name": displayName(sel[0])})
	} else {
		msg = lang.N("Remove {{.Count}} downloads from the list?", len(sel), map[string]any{"Count": len(sel)})
	}
	rd.deleteFile = newCheck(lang.L("Also delete the downloaded files"), nil)
	rd.deleteFile.SetChecked(deleteFile)
	label := widget.NewLabel(msg)
	label.Wrapping = fyne.TextWrapWord
	rd.dlg = dialog.NewCustomConfirm(lang.L("Remove downloads"), lang.L("Remove"), lang.L("Cancel"),
		container.NewVBox(label, rd.deleteFile), func(ok bool) {
			u.remove = nil
			if ok {
				u.removeIDs(rd.ids, rd.deleteFile.Checked)
			}
		}, u.win)
	rd.dlg.SetConfirmImportance(widget.DangerImportance)
	rd.dlg.Resize(fyne.NewSize(420, rd.dlg.MinSize().Height))
	u.remove = rd
	rd.dlg.Show()
}

func (u *UI) removeIDs(ids []string, deleteFile bool) {
	u.noteRemoval(ids)
	var errs []error
	for _, id := range ids {
		if err := u.eng.Remove(id, deleteFile); err != nil {
			s := u.model.tasks[id]
			if s == nil {
				s = &downloader.Snapshot{ID: id, URL: id}
			}
			errs = append(errs, taskError(s, err))
		}
	}
	u.report(errs)
}

func (u *UI) showAbout() {
	v := u.opts.Version
	if v == "" {
		v = "dev"
	}
	dialog.ShowInformation(lang.L("About Haul"),
		lang.L("Haul {{.Version}}\nA download manager that uses many connections per file and resumes where it stopped.",
			map[string]any{"Version": v}), u.win)
}
