package gui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
	"haul/internal/remote"
)

// Keys of Settings.UI for "Manage downloads on another computer": when the
// address is set, main.go shows that computer's queue (a hauld, or a Haul
// with its RPC on the LAN) instead of this one's, from the next start.
const (
	UIKeyRemoteAddress = "remoteAddress" // host[:port] or the RPC's URL; "" = this computer
	UIKeyRemoteSecret  = "remoteSecret"  // that RPC's secret
)

// remoteSection is the Settings tab that points the window at another
// computer.
type remoteSection struct {
	address, secret *escEntry
}

func newRemoteSection(s downloader.Settings) *remoteSection {
	r := &remoteSection{address: newEntry(), secret: newPasswordEntry()}
	r.address.SetText(s.UI[UIKeyRemoteAddress])
	r.address.SetPlaceHolder("nas.local:6800")
	r.secret.SetText(s.UI[UIKeyRemoteSecret])
	return r
}

func (r *remoteSection) form() fyne.CanvasObject {
	intro := widget.NewLabel(lang.L("Show and control the downloads of Haul on another computer, such as hauld on a NAS. This computer downloads nothing meanwhile. Leave the address empty for this computer's downloads; a change takes effect the next time Haul starts."))
	intro.Wrapping = fyne.TextWrapWord
	return container.NewVBox(intro, widget.NewForm(
		&widget.FormItem{Text: lang.L("Address"), Widget: r.address, HintText: lang.L("Host name or IP address, and the port if not 6800.")},
		&widget.FormItem{Text: lang.L("RPC secret"), Widget: r.secret, HintText: lang.L("The secret hauld printed at its first start.")},
	))
}

// read writes the section into s.UI.
func (r *remoteSection) read(s *downloader.Settings) error {
	s.UI[UIKeyRemoteAddress] = strings.TrimSpace(r.address.Text)
	s.UI[UIKeyRemoteSecret] = strings.TrimSpace(r.secret.Text)
	return nil
}

// topBar is the toolbar, under a banner saying whose queue this is when
// the window shows another computer's (Options.Remote).
func (u *UI) topBar() fyne.CanvasObject {
	if u.opts.Remote == "" {
		return u.tools.root
	}
	if u.banner == nil {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		l.TextStyle = fyne.TextStyle{Bold: true}
		u.banner = &remoteBanner{l}
		u.SetRemoteProblem(nil)
	}
	return container.NewVBox(u.banner.label, u.tools.root)
}

// remoteBanner is the line above the toolbar naming the other computer.
type remoteBanner struct{ label *widget.Label }

// SetRemoteProblem shows in the banner that the other computer stopped
// answering (err) or answers again (nil). Call it on the UI goroutine.
func (u *UI) SetRemoteProblem(err error) {
	if u.banner == nil {
		return
	}
	host := map[string]any{"Host": u.opts.Remote}
	b := u.banner.label
	if err == nil {
		b.Importance = widget.WarningImportance
		b.SetText(lang.L("Showing the downloads of {{.Host}}, not of this computer. Settings → Another computer changes this.", host))
		return
	}
	b.Importance = widget.DangerImportance
	b.SetText(lang.L("{{.Host}} does not answer ({{.Error}}). The list shows what it last said; Haul keeps trying.", map[string]any{"Host": u.opts.Remote, "Error": remoteReason(err)}))
}

// RemoteOpen is Options.Open while the window shows another computer's
// queue: its files are not on this one.
func RemoteOpen(host string) func(string) error {
	return func(string) error {
		return errors.New(lang.L("The file is on {{.Host}}; open it there.", map[string]any{"Host": host}))
	}
}

// RemoteUnreachable is the notice shown when the other computer did not
// answer at start and the window shows this computer's queue instead.
func RemoteUnreachable(host string, err error) string {
	return lang.L("Could not reach {{.Host}} ({{.Error}}); showing this computer's downloads instead.", map[string]any{"Host": host, "Error": remoteReason(err)})
}

// remoteReason words why the other computer did not answer, by the
// reason internal/remote classifies; what its RPC itself answered (a wrong
// secret: "Unauthorized") and errors of no worded reason are shown as they
// came.
func remoteReason(err error) string {
	switch remote.ReasonOf(err) {
	case remote.ReasonRefused:
		return lang.L("nothing listens on that port")
	case remote.ReasonNoName:
		return lang.L("its name does not resolve")
	case remote.ReasonTimeout:
		return lang.L("no answer in time")
	case remote.ReasonNoRoute:
		return lang.L("no route to it")
	case remote.ReasonClosed:
		return lang.L("it closed the connection")
	case remote.ReasonNetwork:
		return lang.L("network error")
	}
	return err.Error()
}
