package gui

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
	"haul/internal/plumbing"
	"haul/rpc"
)

// Settings.UI keys of the web interfaces allowed to drive the RPC; each
// value is a list, one entry a line.
const (
	// UIKeyRPCOrigins: web page origins (as browsers send them:
	// "https://ariang.example", "http://nas.local:8080", or "null" for a
	// page opened from a file) allowed besides local pages and browser
	// extensions.
	UIKeyRPCOrigins = plumbing.KeyRPCOrigins
	// UIKeyRPCHosts: host names the RPC may be reached by besides
	// loopback (and, with the LAN option, IP addresses), such as a NAS's
	// name.
	UIKeyRPCHosts = plumbing.KeyRPCHosts
)

// checkOrigin and checkHost validate one line of the lists, with a
// translated sentence (rpc.ParseAllowedOrigin and ParseAllowedHost decide).
// AllowedOrigins is the list stored under UIKeyRPCOrigins.
func AllowedOrigins(s downloader.Settings) []string { return plumbing.RPCPrefsOf(s).AllowedOrigins() }

func checkOrigin(v string) error {
	if _, err := rpc.ParseAllowedOrigin(v); err != nil {
		return errors.New(lang.L("An origin looks like https://ariang.example or http://nas.local:8080, or null for a page opened from a file."))
	}
	return nil
}

func checkHost(v string) error {
	if _, err := rpc.ParseAllowedHost(v); err != nil {
		return errors.New(lang.L("A host name looks like nas.local, without http:// or a port."))
	}
	return nil
}

// webUIField is the "Web interfaces allowed to connect" part of the
// Browser tab: origins, host names, and a warning while any is set.
type webUIField struct {
	origins, hosts *escEntry
	warning        *widget.Label
	items          []*widget.FormItem
}

func newWebUIField(s downloader.Settings) *webUIField {
	f := &webUIField{}
	prefs := plumbing.RPCPrefsOf(s)
	list := func(items []string, placeholder string, check func(string) error) *escEntry {
		e := newMultiLineEntry()
		e.SetMinRowsVisible(2)
		e.SetText(strings.Join(items, "\n"))
		e.SetPlaceHolder(placeholder)
		e.Validator = func(v string) error { return checkLines(v, check) }
		e.OnChanged = func(string) { f.showWarning() }
		return e
	}
	f.origins = list(prefs.AllowedOrigins(), "https://ariang.example", checkOrigin)
	f.hosts = list(prefs.AllowedHosts(), "nas.local", checkHost)
	// Each listed page can drive Haul once it has the secret: it may
	// make this computer download anything into any folder.
	f.warning = widget.NewLabel(lang.L("Only list pages you trust: with the secret they control every download on this computer, and null admits every page opened from a file."))
	f.warning.Importance = widget.DangerImportance
	f.warning.Wrapping = fyne.TextWrapWord
	f.items = []*widget.FormItem{
		{Text: lang.L("Web interfaces allowed to connect"), Widget: f.origins,
			HintText: lang.L("One origin a line, e.g. the address of AriaNg; null for AriaNg opened from a file.")},
		{Text: lang.L("Names of this computer"), Widget: f.hosts,
			HintText: lang.L("Host names a web interface reaches Haul by, one a line (with the LAN option).")},
		widget.NewFormItem("", f.warning),
	}
	f.showWarning()
	return f
}

// addTo appends the field's rows to the Browser tab's form.
func (f *webUIField) addTo(form *widget.Form) {
	for _, it := range f.items {
		form.AppendItem(it)
	}
}

func (f *webUIField) showWarning() {
	if strings.TrimSpace(f.origins.Text+f.hosts.Text) != "" {
		f.warning.Show()
	} else {
		f.warning.Hide()
	}
}

func checkLines(v string, check func(string) error) error {
	for _, line := range strings.Split(v, "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		if err := check(line); err != nil {
			return fmt.Errorf("%q: %w", line, err)
		}
	}
	return nil
}

// read validates the lists and writes them into s.UI, each entry in the
// form requests are compared in.
func (f *webUIField) read(s *downloader.Settings) error {
	for _, e := range []struct {
		name  string
		entry *escEntry
		key   string
		parse func(string) (string, error)
	}{
		{lang.L("Web interfaces allowed to connect"), f.origins, UIKeyRPCOrigins, rpc.ParseAllowedOrigin},
		{lang.L("Names of this computer"), f.hosts, UIKeyRPCHosts, rpc.ParseAllowedHost},
	} {
		if err := e.entry.Validator(e.entry.Text); err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
		var lines []string
		for _, line := range strings.Split(e.entry.Text, "\n") {
			if v, err := e.parse(line); err == nil {
				lines = append(lines, v)
			}
		}
		s.UI[e.key] = strings.Join(lines, "\n")
	}
	return nil
}
