package gui

import (
	"context"
	"errors"
	"fmt"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
	"haul/downloader/tasklist"
)

// Import and export of the task list from the window: File → Import
// links… reads a text file of links or an aria2 input file; File →
// Export… writes the selected or all tasks as an aria2 input file or
// JSON. Exports never carry cookies or passwords (see tasklist).

// withTransferMenu adds Import and Export to the File menu, after its
// first two items.
func (u *UI) withTransferMenu(m *fyne.MainMenu) *fyne.MainMenu {
	if len(m.Items) == 0 {
		return m
	}
	file := m.Items[0]
	at := min(2, len(file.Items))
	items := []*fyne.MenuItem{
		fyne.NewMenuItem(lang.L("Import links…"), u.showImport),
		fyne.NewMenuItem(lang.L("Export…"), u.showExport),
	}
	file.Items = append(file.Items[:at:at], append(items, file.Items[at:]...)...)
	return m
}

func (u *UI) showImport() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		u.importFrom(r)
	}, u.win)
}

// importFrom adds the downloads listed in r and reports lines it skipped.
func (u *UI) importFrom(r io.Reader) {
	reqs, parseErr := tasklist.Parse(r)
	var addErr error
	if len(reqs) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), addTimeout)
		var ids []string
		ids, addErr = u.eng.Add(ctx, reqs...)
		cancel()
		for _, id := range ids {
			if id != "" {
				u.pendingSelect = append(u.pendingSelect, id)
			}
		}
	}
	switch err := errors.Join(parseErr, addErr); {
	case len(reqs) == 0 && err == nil:
		dialog.ShowInformation(lang.L("Nothing to add"), lang.L("The file lists no links."), u.win)
	case err != nil:
		dialog.ShowError(fmt.Errorf("%s\n%w", lang.L("Some links were not added:"), err), u.win)
	}
}

// showExport asks what to export and in which format, then where.
func (u *UI) showExport() {
	selected := u.table.selection()
	all := lang.L("All tasks")
	scopes := []string{all}
	if len(selected) > 0 {
		scopes = append([]string{lang.N("The {{.Count}} selected tasks", len(selected), map[string]any{"Count": len(selected)})}, scopes...)
	}
	scope := widget.NewRadioGroup(scopes, nil)
	scope.SetSelected(scopes[0])
	aria2, jsonFmt := lang.L("aria2 input file (.txt)"), lang.L("JSON (.json)")
	format := widget.NewRadioGroup([]string{aria2, jsonFmt}, nil)
	format.SetSelected(aria2)
	note := widget.NewLabel(lang.L("Cookies and passwords are never exported."))
	note.Importance = widget.LowImportance
	form := container.NewVBox(scope, widget.NewSeparator(), format, note)
	dialog.ShowCustomConfirm(lang.L("Export"), lang.L("Export…"), lang.L("Cancel"), form, func(ok bool) {
		if !ok {
			return
		}
		tasks := u.eng.List()
		if scope.Selected != all {
			tasks = make([]downloader.Snapshot, len(selected))
			for i, s := range selected {
				tasks[i] = *s
			}
		}
		write, name := tasklist.WriteAria2, "haul-tasks.txt"
		if format.Selected == jsonFmt {
			write, name = tasklist.WriteJSON, "haul-tasks.json"
		}
		u.saveExport(name, func(w io.Writer) error { return write(w, tasks) })
	}, u.win)
}

func (u *UI) saveExport(name string, write func(io.Writer) error) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		err = write(w)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			dialog.ShowError(fmt.Errorf("%s: %w", lang.L("Export"), err), u.win)
		}
	}, u.win)
	d.SetFileName(name)
	if dir, err := storage.ListerForURI(storage.NewFileURI(u.eng.Settings().Folder)); err == nil {
		d.SetLocation(dir)
	}
	d.Show()
}
