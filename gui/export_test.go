package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
)

// Test hooks for the black-box tests in gui_test. They reach into the
// window the way a user's eyes and mouse would, without a display.

// NewManual builds the window without the bridge goroutine; Pump then
// delivers events on the test's goroutine, as fyne.Do would.
func NewManual(a fyne.App, eng Engine, opts Options) *UI { return newUI(a, eng, opts) }

// Pump moves every event waiting on the subscription into the window as
// one batch.
func (u *UI) Pump() {
	for drained := false; !drained; {
		select {
		case ev, ok := <-u.bridge.events:
			if ok {
				u.bridge.put(ev)
			} else {
				drained = true
			}
		default:
			drained = true
		}
	}
	if q := u.bridge.take(); len(q.events) > 0 || len(q.finished) > 0 {
		u.apply(q)
	}
}

type Toolbar struct{ Add, Resume, Pause, Remove, Folder, Settings *widget.Button }

func (u *UI) Toolbar() Toolbar {
	t := u.tools
	return Toolbar{t.add, t.resume, t.pause, t.remove, t.folder, t.settings}
}

// Click is a primary click on a visible row with modifiers held.
func (u *UI) Click(row int, mod fyne.KeyModifier) { u.table.click(row, mod) }

// Selected lists the selected task ids in view order.
func (u *UI) Selected() []string {
	var ids []string
	for _, s := range u.table.selection() {
		ids = append(ids, s.ID)
	}
	return ids
}

// Rows lists the ids in the table, top to bottom.
func (u *UI) Rows() []string { return append([]string(nil), u.model.view...) }

func (u *UI) SetFilter(f Filter) { u.filters.list.Select(int(f)) }

type AddForm struct {
	URLs, Folder, Name, Limit, Checksum, Referer, Cookie, Agent *widget.Entry
	Connections                                                 *widget.SelectEntry
	Start                                                       *widget.Check
	Summary                                                     *widget.Label
	OK, Cancel                                                  *widget.Button
	Variant                                                     *widget.Select
}

// AddForm returns the open add dialog, or nil.
func (u *UI) AddForm() *AddForm {
	d := u.add
	if d == nil {
		return nil
	}
	return &AddForm{&d.urls.Entry, &d.folder.Entry, &d.name.Entry, &d.limit.Entry, &d.checksum.Entry, &d.referer.Entry,
		&d.cookie.Entry, &d.agent.Entry, &d.conns.SelectEntry, &d.start.Check, d.summary, d.ok, d.cancel, &d.variant.Select}
}

type RemoveForm struct {
	DeleteFile *widget.Check
	Confirm    func()
}

// RemoveForm returns the open remove confirmation, or nil.
func (u *UI) RemoveForm() *RemoveForm {
	if u.remove == nil {
		return nil
	}
	return &RemoveForm{&u.remove.deleteFile.Check, u.remove.dlg.Confirm}
}

type SettingsForm struct {
	Folder, MaxActive, Connections, PerHost, Limit *widget.Entry
	CloseToTray, Notify, Clipboard, LAN            *widget.Check
	LANWarning                                     *widget.Label
	Language                                       *widget.Select
	Problem                                        *widget.Label
	Save                                           *widget.Button
}

func (u *UI) SettingsForm() *SettingsForm {
	d := u.settingsDlg
	if d == nil {
		return nil
	}
	return &SettingsForm{&d.folder.Entry, &d.maxActive.Entry, &d.conns.Entry, &d.perHost.Entry, &d.limit.Entry,
		&d.closeToTray.Check, &d.notify.Check, &d.clipboard.Check, &d.rpcLAN.Check, d.lanWarning, &d.language.Select, d.problem, d.save}
}

// StatusBarText is the bar's speed, counts and limit, space separated.
func (u *UI) StatusBarText() string {
	return u.status.speed.Text + " " + u.status.counts.Text + " " + u.status.limit.Text
}

// DetailsSegments is the segment map in the details pane.
func (u *UI) DetailsSegments() *SegmentMap { return u.details.segments }

// Row returns the widget drawing the task id, if it is on screen.
func (u *UI) Row(id string) fyne.SecondaryTappable {
	if r := u.table.shown[id]; r != nil && r.id == id {
		return r
	}
	return nil
}

// StatusOf is the status sentence the table shows for s.
func StatusOf(s downloader.Snapshot) string { return statusText(&s) }

// Drop delivers items dragged onto the window, as the driver would.
func (u *UI) Drop(items ...fyne.URI) { u.dropped(fyne.Position{}, items) }

// ChangeLinkForm is the open "Change link…" dialog.
type ChangeLinkForm struct {
	Entry  *widget.Entry
	Status *widget.Label
	OK     *widget.Button
	// Checked is called after each check's outcome is shown.
	Checked *func()
}

// ChangeLink returns the open "Change link…" dialog, or nil.
func (u *UI) ChangeLink() *ChangeLinkForm {
	d := u.link
	if d == nil {
		return nil
	}
	return &ChangeLinkForm{&d.entry.Entry, d.status, d.ok, &d.checked}
}

// DetailsChangeLink is the details pane's "Change link…" button.
func (u *UI) DetailsChangeLink() *widget.Button { return u.details.changeLink }

// DetailsVerification is the details pane's Verification row.
func (u *UI) DetailsVerification() string { return u.details.verified.Text }

// AddMirrors is the add dialog's "these are mirrors" choice, or nil.
func (u *UI) AddMirrors() *widget.Check {
	if u.add == nil {
		return nil
	}
	return &u.add.mirrors.Check
}
