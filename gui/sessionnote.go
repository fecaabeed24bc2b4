package gui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// sessionEngine is what the note needs from an engine with a session
// layer (downloader.Manager): settings a connected app changed for this
// run only, and a way to keep them.
type sessionEngine interface {
	// SessionOverrides names the overridden Settings fields (JSON names).
	SessionOverrides() []string
	KeepSessionSettings() error
}

// sessionNote is a strip under the toolbar, shown while a connected app
// (an aria2 client's changeGlobalOption) has changed settings for this
// session: it names them and offers to keep them as preferences.
type sessionNote struct {
	u    *UI
	text *widget.Label
	root *fyne.Container
}

func newSessionNote(u *UI) *sessionNote {
	n := &sessionNote{u: u, text: widget.NewLabel("")}
	n.text.Truncation = fyne.TextTruncateEllipsis // one line; the Settings dialog has the rest
	keep := widget.NewButtonWithIcon(lang.L("Keep these settings"), theme.DocumentSaveIcon(), n.keep)
	hide := widget.NewButtonWithIcon("", theme.CancelIcon(), n.hide)
	hide.Importance = widget.LowImportance
	n.root = container.NewVBox(container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), container.NewHBox(keep, hide), n.text), widget.NewSeparator())
	n.root.Hide()
	return n
}

// settingLabel names Settings fields (JSON names) as the Settings dialog
// does; a field without one shows its name.
func settingLabel(field string) string {
	switch field {
	case "folder":
		return lang.L("Download folder")
	case "maxActive":
		return lang.L("Parallel downloads")
	case "connections":
		return lang.L("Connections per download")
	case "perHost":
		return lang.L("Connections per server")
	case "globalLimit":
		return lang.L("Speed limit")
	case "minSplit":
		return lang.L("Smallest piece per connection")
	case "proxy":
		return lang.L("Proxy")
	case "userAgent":
		return lang.L("User agent")
	}
	return field
}

func (n *sessionNote) refresh() {
	eng, ok := n.u.eng.(sessionEngine)
	if !ok {
		return
	}
	fields := eng.SessionOverrides()
	if len(fields) == 0 {
		n.hide()
		return
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = settingLabel(f)
	}
	n.text.SetText(lang.L("A connected app changed these settings until Haul restarts: {{.Names}}",
		map[string]any{"Names": strings.Join(names, ", ")}))
	n.root.Show()
	n.u.win.Content().Refresh() // the strip changes the toolbar area's height
}

func (n *sessionNote) keep() {
	if eng, ok := n.u.eng.(sessionEngine); ok {
		if err := eng.KeepSessionSettings(); err != nil {
			n.text.SetText(lang.L("Not saved: {{.Error}}", map[string]any{"Error": err.Error()}))
			return
		}
	}
	n.hide()
}

func (n *sessionNote) hide() {
	n.root.Hide()
	n.u.win.Content().Refresh()
}
