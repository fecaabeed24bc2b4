package gui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
)

// "Change link…": give a stopped download a fresh link of the same file.

// linkChanger is what the dialog needs beyond Engine; *downloader.Manager
// has it. Without it the window offers no "Change link…".
type linkChanger interface {
	// ChangeURL admits newURL after the engine's same-file check; it
	// talks to the server, so it is called off the UI goroutine.
	ChangeURL(ctx context.Context, id, newURL string) error
}

// linkChangeable reports whether s may get a new link now: a stopped
// file download (paused, failed, or waiting for a fresh link).
func (u *UI) linkChangeable(s *downloader.Snapshot) bool {
	_, ok := u.eng.(linkChanger)
	return ok && s != nil && !s.Broken && s.Kind != downloader.KindVideo &&
		(s.State == downloader.StatePaused || s.State == downloader.StateFailed)
}

// changeLinkDialog is the open "Change link…" dialog.
type changeLinkDialog struct {
	dlg    *dialog.CustomDialog
	entry  *escEntry
	status *widget.Label
	ok     *widget.Button
	stop   context.CancelFunc
	// checked runs on the UI goroutine after each check's outcome is
	// shown (tests wait on it).
	checked func()
}

// showChangeLink asks for a new link of s, prefilled with link. The
// check runs in the background; a refusal is shown in the dialog, which
// stays open; an accepted link resumes the download and closes it.
// pasted adds a button that adds the link as a new download instead.
func (u *UI) showChangeLink(s downloader.Snapshot, link string, pasted bool) {
	lc, ok := u.eng.(linkChanger)
	if !ok {
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	d := &changeLinkDialog{stop: stop}
	d.entry = newEntry()
	d.entry.SetPlaceHolder("https://…")
	d.entry.SetText(link)
	current := widget.NewLabel(downloader.RedactURL(s.URL))
	current.Truncation = fyne.TextTruncateEllipsis
	current.Importance = widget.LowImportance
	note := widget.NewLabel(lang.L("Haul uses the new link only if it serves the same file: the same size, and a few pieces already downloaded are fetched again and compared. The download then continues where it stopped."))
	note.Wrapping = fyne.TextWrapWord
	d.status = widget.NewLabel("")
	d.status.Wrapping = fyne.TextWrapWord
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("Current link")), current,
		widget.NewLabel(lang.L("New link")), d.entry,
	)
	title := widget.NewLabel(displayName(&s))
	title.TextStyle.Bold = true
	title.Truncation = fyne.TextTruncateEllipsis
	content := container.NewVBox(title, form, note, d.status)

	d.ok = widget.NewButtonWithIcon(lang.L("Change link"), theme.ConfirmIcon(), func() { u.submitLink(ctx, lc, d, s.ID) })
	d.ok.Importance = widget.HighImportance
	cancel := widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() { d.dlg.Hide() })
	d.entry.OnSubmitted = func(string) {
		if !d.ok.Disabled() {
			d.ok.OnTapped()
		}
	}
	d.dlg = dialog.NewCustomWithoutButtons(lang.L("Change link"), content, u.win)
	buttons := []fyne.CanvasObject{cancel, layout.NewSpacer(), d.ok}
	if pasted {
		instead := widget.NewButton(lang.L("Add as a new download"), func() {
			d.dlg.Hide()
			u.showAdd(link)
		})
		buttons = []fyne.CanvasObject{cancel, layout.NewSpacer(), instead, d.ok}
	}
	d.dlg.SetButtons(buttons)
	d.dlg.SetOnClosed(func() {
		stop()
		if u.link == d {
			u.link = nil
		}
	})
	u.link = d
	d.dlg.Resize(fyne.NewSize(600, d.dlg.MinSize().Height))
	d.dlg.Show()
	u.win.Canvas().Focus(d.entry)
}

// submitLink runs the same-file check off the UI goroutine.
func (u *UI) submitLink(ctx context.Context, lc linkChanger, d *changeLinkDialog, id string) {
	link := strings.TrimSpace(d.entry.Text)
	if !isHTTPURL(link) {
		setLabel(d.status, lang.L("This is not a valid http or https link."), widget.DangerImportance)
		return
	}
	d.ok.Disable()
	setLabel(d.status, lang.L("Checking that the new link serves the same file…"), widget.LowImportance)
	go func() {
		err := lc.ChangeURL(ctx, id, link)
		fyne.Do(func() {
			u.linkChecked(ctx, d, id, err)
			if d.checked != nil {
				d.checked()
			}
		})
	}()
}

// linkChecked shows the outcome of a check: the refusal in the dialog,
// or, accepted, the download resumed and the dialog closed.
func (u *UI) linkChecked(ctx context.Context, d *changeLinkDialog, id string, err error) {
	if ctx.Err() != nil {
		return // the dialog was closed meanwhile
	}
	if err != nil {
		d.ok.Enable()
		setLabel(d.status, linkRefusalText(err), widget.DangerImportance)
		return
	}
	if rerr := u.eng.Resume(id); rerr != nil {
		u.report([]error{rerr})
	}
	d.dlg.Hide()
}

// linkRefusalText words a refused link in the window's language.
func linkRefusalText(err error) string {
	why := ""
	var d interface{ Detail() string }
	if errors.As(err, &d) {
		why = d.Detail()
	}
	data := map[string]any{"Why": why}
	switch {
	case errors.Is(err, downloader.ErrDifferentFile):
		return lang.L("That link leads to a different file ({{.Why}}); the download keeps its old link.", data)
	case errors.Is(err, downloader.ErrCannotCompare):
		return lang.L("Haul cannot check that this link serves the same file ({{.Why}}); the download keeps its old link.", data)
	case errors.Is(err, downloader.ErrLinkExpired):
		return lang.L("That link has expired already ({{.Why}}); the download keeps its old link.", data)
	case errors.Is(err, downloader.ErrTaskRunning):
		return lang.L("Pause the download before changing its link.")
	}
	return downloader.Sentence(err)
}

// pasteOntoTask opens "Change link…" when one link is pasted while one
// download that needs a new link (failed, or waiting for a fresh link)
// is selected; it reports whether it did. A paused download that is
// merely paused keeps the ordinary paste, which adds downloads.
func (u *UI) pasteOntoTask(text string) bool {
	valid, problems := parseLinks(text)
	sel := u.table.selection()
	if len(valid) != 1 || len(problems) > 0 || len(sel) != 1 || !u.linkChangeable(sel[0]) || sel[0].URL == valid[0] {
		return false
	}
	if s := sel[0]; s.State != downloader.StateFailed && s.Phase != downloader.PhaseWaitingLink {
		return false
	}
	u.showChangeLink(*sel[0], valid[0], true)
	return true
}

// changeLinkOf opens "Change link…" for the task shown in the details.
func (u *UI) changeLinkOf(s downloader.Snapshot) { u.showChangeLink(s, "", false) }

// endedForUser reports whether s just stopped in a way the user hears
// of: completed, failed, or waiting for a fresh link.
func endedForUser(s downloader.Snapshot) bool {
	return isFinished(s.State) || s.Phase == downloader.PhaseWaitingLink
}
