package gui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
)

// addTimeout bounds how long the window waits for the engine to accept
// new tasks; adding is bookkeeping, not downloading.
const addTimeout = 10 * time.Second

// addDialog collects links and per-task options.
type addDialog struct {
	u   *UI
	dlg *dialog.CustomDialog

	urls     *escEntry
	summary  *widget.Label
	folder   *escEntry
	name     *escEntry
	conns    *escSelectEntry
	limit    *escEntry
	checksum *escEntry
	variant  *escSelect // video quality (addvariant.go)
	referer  *escEntry
	cookie   *escEntry
	agent    *escEntry
	start    *escCheck
	mirrors  *escCheck    // the links are mirrors of one file (addmirrors.go)
	form     *widget.Form // redrawn when the name field toggles, so its label dims too
	ok       *widget.Button
	cancel   *widget.Button

	valid []string
	// defaults are the settings the folder and connections fields were
	// filled from; a field still showing its default follows the engine's
	// setting (defaultsChanged) instead of pinning it into the tasks.
	defaults downloader.Settings
}

// parseLinks splits text into http(s) URLs and sentences about the
// tokens that are not. Blank lines and #comments are skipped, and a line
// may hold several links separated by spaces.
func parseLinks(text string) (valid, problems []string) {
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for _, tok := range strings.Fields(line) {
			if isHTTPURL(tok) {
				valid = append(valid, tok)
				continue
			}
			problems = append(problems, lang.L("Line {{.Line}}: “{{.Text}}” is not an http or https address.",
				map[string]any{"Line": i + 1, "Text": shorten(tok, 60)}))
		}
	}
	return valid, problems
}

// isHTTPURL reports a link the engine takes (downloader.ParseURL).
func isHTTPURL(s string) bool {
	_, err := downloader.ParseURL(s)
	return err == nil
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// clipboardLinks returns the http(s) links on the clipboard, one a line.
func (u *UI) clipboardLinks() string {
	valid, _ := parseLinks(u.app.Clipboard().Content())
	return strings.Join(valid, "\n")
}

// showAdd opens the add dialog with text in the links box, or with the
// clipboard's links when text is empty. With a dialog already open the
// links are appended to it instead.
func (u *UI) showAdd(text string) {
	if text == "" {
		text = u.clipboardLinks()
	}
	if d := u.add; d != nil {
		if text != "" {
			cur := strings.TrimRight(d.urls.Text, "\n")
			if cur != "" {
				cur += "\n"
			}
			d.urls.SetText(cur + text)
		}
		u.win.Canvas().Focus(d.urls)
		return
	}
	d := u.newAddDialog(text)
	u.add = d
	d.dlg.Show()
	u.win.Canvas().Focus(d.urls)
}

func (u *UI) newAddDialog(text string) *addDialog {
	set := u.eng.Settings()
	d := &addDialog{u: u, defaults: set}

	d.urls = newMultiLineEntry()
	d.urls.Wrapping = fyne.TextWrapOff
	d.urls.SetPlaceHolder(lang.L("One link per line: https://example.com/file.zip"))
	d.urls.SetMinRowsVisible(5)
	d.summary = widget.NewLabel("")
	d.summary.Wrapping = fyne.TextWrapWord

	d.folder = newEntry()
	d.folder.SetText(set.Folder)
	d.name = newEntry()
	d.name.SetPlaceHolder(lang.L("From the server"))

	d.conns = newSelectEntry([]string{lang.L("Auto"), "1", "2", "4", "8", "16", "32", "64"})
	d.conns.SetText(connectionsText(set.Connections))
	d.conns.Validator = validateConnections
	d.limit = newEntry()
	d.limit.SetPlaceHolder(lang.L("Unlimited"))
	d.limit.Validator = validateRate
	d.checksum = newEntry()
	d.checksum.SetPlaceHolder("sha256=…")
	d.checksum.Validator = validateChecksum
	d.referer = newEntry()
	d.cookie = newEntry()
	d.cookie.SetPlaceHolder("name=value; other=value")
	d.agent = newEntry()
	d.agent.SetPlaceHolder(lang.L("Haul's own"))
	d.start = newCheck(lang.L("Start now"), nil)
	d.start.SetChecked(true)
	d.variant = newVariantSelect()

	d.form = widget.NewForm(
		widget.NewFormItem(lang.L("Save to"), u.folderField(d.folder)),
		widget.NewFormItem(lang.L("File name"), d.name),
		widget.NewFormItem(lang.L("Connections"), d.conns),
		&widget.FormItem{Text: lang.L("Speed limit"), Widget: d.limit, HintText: lang.L("Bytes per second, like 500K or 2M; empty for none.")},
		&widget.FormItem{Text: lang.L("Video quality"), Widget: d.variant, HintText: lang.L("For streamed video (HLS): the variant to save.")},
	)
	advanced := widget.NewForm(
		&widget.FormItem{Text: lang.L("Checksum"), Widget: d.checksum, HintText: lang.L("Verified when the download ends: sha256=, sha1= or md5= then the hex digest.")},
		widget.NewFormItem(lang.L("Referer"), d.referer),
		widget.NewFormItem(lang.L("Cookie"), d.cookie),
		widget.NewFormItem(lang.L("User agent"), d.agent),
	)
	tabs := container.NewAppTabs(
		container.NewTabItem(lang.L("Options"), d.form),
		container.NewTabItem(lang.L("Advanced"), advanced),
	)
	natural := scrollTabs(tabs) // the options scroll in a small window (settings_fit.go)
	content := container.NewBorder(
		container.NewVBox(widget.NewLabel(lang.L("Links")), d.urls, d.mirrorsCheck(), d.summary), nil, nil, nil, tabs)

	d.ok = widget.NewButtonWithIcon(lang.L("Add"), theme.ConfirmIcon(), d.submit)
	d.ok.Importance = widget.HighImportance
	d.cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), d.close)
	d.dlg = dialog.NewCustomWithoutButtons(lang.L("Add downloads"), content, u.win)
	d.dlg.SetButtons([]fyne.CanvasObject{d.cancel, layout.NewSpacer(), d.start, d.ok})
	d.dlg.SetOnClosed(func() {
		if u.add == d {
			u.add = nil
		}
	})
	d.dlg.Resize(fyne.NewSize(640, fitDialogHeight(d.dlg.MinSize().Height, natural, u.win.Canvas().Size().Height)))

	// Enter in a one-line field adds, as the default button would.
	submit := func(string) { d.submitDefault() }
	for _, e := range []*escEntry{d.folder, d.name, d.limit, d.checksum, d.referer, d.cookie, d.agent} {
		e.OnSubmitted = submit
	}
	d.conns.OnSubmitted = submit
	d.urls.OnChanged = func(string) { d.linksChanged() }
	d.urls.SetText(text)
	d.linksChanged()
	return d
}

// defaultsChanged follows a change of the engine's settings while the
// dialog is open: a field the user left at its default shows the new one;
// one the user edited keeps the edit.
func (d *addDialog) defaultsChanged(s downloader.Settings) {
	old := d.defaults
	d.defaults = s
	if strings.TrimSpace(d.folder.Text) == old.Folder {
		d.folder.SetText(s.Folder)
	}
	if strings.TrimSpace(d.conns.Text) == connectionsText(old.Connections) {
		d.conns.SetText(connectionsText(s.Connections))
	}
}

// submitDefault adds when the Add button would.
func (d *addDialog) submitDefault() {
	if !d.ok.Disabled() {
		d.submit()
	}
}

// folderField is entry with a button beside it that picks a folder into
// it, as the add and settings dialogs both offer.
func (u *UI) folderField(entry *escEntry) fyne.CanvasObject {
	browse := widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() {
		dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
			if err == nil && dir != nil {
				entry.SetText(dir.Path())
			}
		}, u.win)
	})
	return container.NewBorder(nil, nil, nil, browse, entry)
}

func defaultInt(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// linksChanged re-reads the links box: the summary explains bad lines and
// the file name only makes sense for a single link.
func (d *addDialog) linksChanged() {
	valid, problems := parseLinks(d.urls.Text)
	valid, bad, preview := expandLinkPatterns(valid)
	problems = append(problems, bad...)
	d.valid = valid
	if single := len(valid) == 1; single == d.name.Disabled() {
		if single {
			d.name.Enable()
		} else {
			d.name.Disable()
		}
		if d.form != nil {
			d.form.Refresh()
		}
	}
	var msg string
	switch {
	case len(valid) == 0 && len(problems) == 0:
		msg = lang.L("Paste or type links to download.")
	case len(valid) > 0:
		msg = lang.N("{{.Count}} download will be added.", len(valid), map[string]any{"Count": len(valid)})
	}
	for _, extra := range []string{preview, d.categoryHint(valid)} {
		if extra != "" {
			msg += "\n" + extra
		}
	}
	if len(problems) > 0 {
		const shown = 3
		lines := problems[:min(len(problems), shown)]
		if extra := len(problems) - len(lines); extra > 0 {
			lines = append(lines, lang.N("…and {{.Count}} more line that will be skipped.", extra, map[string]any{"Count": extra}))
		}
		msg = strings.TrimSpace(msg + "\n" + strings.Join(lines, "\n"))
		d.summary.Importance = widget.DangerImportance
	} else {
		d.summary.Importance = widget.LowImportance
	}
	d.summary.SetText(d.mirrorsSummary(msg))
	if len(valid) > 0 {
		d.ok.Enable()
	} else {
		d.ok.Disable()
	}
}

func validateRate(s string) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	if _, err := downloader.ParseRate(s); err != nil {
		return errors.New(lang.L("Write a speed like 500K or 2M."))
	}
	return nil
}

func validateChecksum(s string) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	if _, err := downloader.ParseChecksum(strings.TrimSpace(s)); err != nil {
		return errors.New(lang.L("A checksum looks like sha256=HEX, sha1=HEX or md5=HEX."))
	}
	return nil
}

// requests builds one Request per valid link, or explains the first bad
// option.
func (d *addDialog) requests() ([]downloader.Request, error) {
	for _, e := range []*widget.Entry{&d.conns.Entry, &d.limit.Entry, &d.checksum.Entry} {
		if err := e.Validator(e.Text); err != nil {
			return nil, err
		}
	}
	var o downloader.Options
	if n, _ := parseConnections(d.conns.Text); n != d.defaults.Connections {
		o.Connections = n // Auto, empty and the default all mean "follow the settings"
	}
	if s := strings.TrimSpace(d.limit.Text); s != "" {
		o.SpeedLimit, _ = downloader.ParseRate(s)
	}
	o.Variant = variantOf(d.variant)
	o.Checksum, _ = downloader.ParseChecksum(d.checksum.Text) // validated above
	for _, h := range []struct {
		name string
		e    *escEntry
	}{{"Referer", d.referer}, {"Cookie", d.cookie}, {"User-Agent", d.agent}} {
		if v := strings.TrimSpace(h.e.Text); v != "" {
			if o.Headers == nil {
				o.Headers = make(http.Header)
			}
			o.Headers.Set(h.name, v)
		}
	}
	folder := strings.TrimSpace(d.folder.Text)
	if folder == d.defaults.Folder {
		folder = "" // follow the default folder
	}
	name := ""
	if len(d.valid) == 1 {
		name = strings.TrimSpace(d.name.Text)
		if strings.ContainsAny(name, `/\`) {
			return nil, errors.New(lang.L("A file name cannot contain / or \\."))
		}
	}
	if d.asMirrors() {
		return []downloader.Request{{URL: d.valid[0], Mirrors: d.valid[1:], Folder: folder, Options: o, Paused: !d.start.Checked}}, nil
	}
	reqs := make([]downloader.Request, len(d.valid))
	for i, link := range d.valid {
		reqs[i] = downloader.Request{URL: link, Folder: folder, Name: name, Options: o, Paused: !d.start.Checked}
		if o.Headers != nil {
			reqs[i].Headers = o.Headers.Clone() // tasks must not share a mutable map
		}
	}
	return reqs, nil
}

func (d *addDialog) submit() {
	reqs, err := d.requests()
	if err != nil {
		d.summary.Importance = widget.DangerImportance
		d.summary.SetText(err.Error())
		return
	}
	if len(reqs) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), addTimeout)
	defer cancel()
	ids, err := d.u.eng.Add(ctx, reqs...)
	d.close()
	for _, id := range ids {
		if id != "" {
			d.u.pendingSelect = append(d.u.pendingSelect, id)
		}
	}
	if err != nil {
		dialog.ShowError(fmt.Errorf("%s\n%w", lang.L("Some links were not added:"), err), d.u.win)
	}
}

func (d *addDialog) close() {
	if d.u.add == d {
		d.u.add = nil
	}
	d.dlg.Hide()
}
