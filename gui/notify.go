package gui

import (
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"haul/downloader"
)

// notifyFinished tells the user about downloads that just completed or
// failed: one notification for one task, a grouped one when several end
// in the same batch, so a burst of finishes does not flood the desktop.
func (u *UI) notifyFinished(done []downloader.Snapshot) {
	if len(done) == 0 || !NotificationsEnabled(u.settings) {
		return
	}
	if u.opts.Notify == nil {
		return
	}
	u.opts.Notify(finishedNotification(done))
}

// finishedNotification words the notification for a batch of finishes.
func finishedNotification(done []downloader.Snapshot) *fyne.Notification {
	if len(done) == 1 {
		s := done[0]
		if s.State == downloader.StateCompleted {
			return fyne.NewNotification(s.Name, lang.L("Downloaded {{.Size}} to {{.Folder}}",
				map[string]any{"Size": downloader.FormatBytes(s.Size), "Folder": filepath.Base(s.Folder)}))
		}
		name := s.Name
		if name == "" {
			name = s.URL
		}
		return fyne.NewNotification(lang.L("Download failed: {{.Name}}", map[string]any{"Name": name}), s.Error)
	}
	var ok, failed int
	for _, s := range done {
		if s.State == downloader.StateCompleted {
			ok++
		} else {
			failed++
		}
	}
	return fyne.NewNotification(lang.L("Haul"), lang.L("{{.Done}} downloads finished, {{.Failed}} failed",
		map[string]any{"Done": ok, "Failed": failed}))
}
