package gui

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
	"haul/downloader/logins"
)

// Settings → Sites: per-site settings keyed by host ("*.example.com"
// for the domain and its subdomains). A login's password goes to the OS
// keyring when Settings are saved, never into the settings themselves.
type sitesTab struct {
	d       *settingsDialog
	content fyne.CanvasObject
	list    *escList
	sites   []downloader.Site
	// passwords typed in this dialog, by host; "" clears a stored one.
	passwords map[string]string
	removed   []downloader.Site
	keyring   *logins.Store
	form      *siteForm // the open site editor, for tests
}

func newSitesTab(d *settingsDialog, s downloader.Settings) *sitesTab {
	t := &sitesTab{d: d, sites: slices.Clone(s.Sites), passwords: map[string]string{}, keyring: d.u.logins()}
	t.list = newList(
		func() int { return len(t.sites) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, widget.NewIcon(theme.ComputerIcon()), nil, widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*fyne.Container).Objects[0].(*widget.Label).SetText(siteSummary(t.sites[i]))
		},
	)
	selected := -1
	t.list.OnSelected = func(i widget.ListItemID) { selected = i }
	t.list.OnUnselected = func(widget.ListItemID) { selected = -1 }
	add := widget.NewButtonWithIcon(lang.L("Add site…"), theme.ContentAddIcon(), func() { t.edit(-1) })
	edit := widget.NewButtonWithIcon(lang.L("Edit…"), theme.DocumentCreateIcon(), func() {
		if selected >= 0 {
			t.edit(selected)
		}
	})
	remove := widget.NewButtonWithIcon(lang.L("Remove"), theme.DeleteIcon(), func() {
		if selected >= 0 && selected < len(t.sites) {
			t.removed = append(t.removed, t.sites[selected])
			t.sites = slices.Delete(t.sites, selected, selected+1)
			t.list.UnselectAll()
			t.list.Refresh()
		}
	})
	note := widget.NewLabel(keyringNote(t.keyring))
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	if t.keyring.SessionOnly() {
		note.Importance = widget.WarningImportance
	}
	t.content = container.NewBorder(nil, container.NewVBox(container.NewHBox(add, edit, remove), note), nil, nil,
		container.NewGridWrap(fyne.NewSize(560, 180), t.list))
	return t
}

// keyringNote says where passwords are kept.
func keyringNote(k *logins.Store) string {
	if k.SessionOnly() {
		return lang.L("No keyring service is running, so site passwords are kept only until Haul quits.")
	}
	return lang.L("Site passwords are kept in the system keyring, never in Haul's database.")
}

// siteSummary is one line of the list: the host and what it changes.
func siteSummary(s downloader.Site) string {
	var parts []string
	if s.Connections > 0 {
		parts = append(parts, lang.N("{{.Count}} connections", s.Connections, map[string]any{"Count": s.Connections}))
	}
	if s.PerHost > 0 {
		parts = append(parts, lang.L("at most {{.Count}} per server", map[string]any{"Count": s.PerHost}))
	}
	if s.SpeedLimit > 0 {
		parts = append(parts, downloader.FormatRate(s.SpeedLimit))
	}
	if s.User != "" {
		parts = append(parts, lang.L("login {{.User}}", map[string]any{"User": s.User}))
	}
	if s.UserAgent != "" || s.Referer != "" || len(s.Headers) > 0 {
		parts = append(parts, lang.L("headers"))
	}
	if len(parts) == 0 {
		return s.Host
	}
	return s.Host + " — " + strings.Join(parts, ", ")
}

func (t *sitesTab) read(s *downloader.Settings) error {
	s.Sites = slices.Clone(t.sites)
	return nil
}

// saved stores typed passwords in the keyring and forgets those of
// removed logins.
func (t *sitesTab) saved() error {
	for _, old := range t.removed {
		if old.User != "" && !slices.ContainsFunc(t.sites, func(s downloader.Site) bool { return s.Host == old.Host && s.User == old.User }) {
			_ = t.keyring.Delete(old.Host, old.User)
		}
	}
	for _, s := range t.sites {
		if pw, ok := t.passwords[s.Host]; ok && s.User != "" {
			_, _ = t.keyring.Set(s.Host, s.User, pw)
		}
	}
	return nil
}

// siteForm is the editor of one site.
type siteForm struct {
	host, conns, perHost, limit, agent, referer, user, password *escEntry
	headers                                                     *escEntry
	dlg                                                         *dialog.FormDialog
	submit                                                      func() error
}

// edit opens the editor for site i, or for a new site when i < 0.
func (t *sitesTab) edit(i int) {
	var s downloader.Site
	if i >= 0 {
		s = t.sites[i]
	}
	f := newSiteForm(s)
	if s.User != "" {
		if _, err := t.keyring.Password(s.Host, s.User); err == nil {
			f.password.SetPlaceHolder(lang.L("Stored; type to replace"))
		}
	}
	f.submit = func() error {
		site, err := f.site()
		if err != nil {
			return err
		}
		for j, other := range t.sites {
			if j != i && other.Host == site.Host {
				return errors.New(lang.L("{{.Host}} is already in the list.", map[string]any{"Host": site.Host}))
			}
		}
		if i >= 0 {
			if t.sites[i].Host != site.Host || t.sites[i].User != site.User {
				t.removed = append(t.removed, t.sites[i])
			}
			t.sites[i] = site
		} else {
			t.sites = append(t.sites, site)
		}
		if pw := f.password.Text; pw != "" || site.User == "" {
			t.passwords[site.Host] = pw
		}
		t.list.Refresh()
		return nil
	}
	items := []*widget.FormItem{
		{Text: lang.L("Site"), Widget: f.host, HintText: lang.L("example.com, or *.example.com for its subdomains too.")},
		widget.NewFormItem(lang.L("Connections per download"), f.conns),
		widget.NewFormItem(lang.L("Connections per server"), f.perHost),
		widget.NewFormItem(lang.L("Speed limit"), f.limit),
		widget.NewFormItem(lang.L("User agent"), f.agent),
		widget.NewFormItem(lang.L("Referer"), f.referer),
		{Text: lang.L("Headers"), Widget: f.headers, HintText: lang.L("One Name: value a line.")},
		widget.NewFormItem(lang.L("User name"), f.user),
		{Text: lang.L("Password"), Widget: f.password, HintText: lang.L("Sent only to this site.")},
	}
	problem := func(err error) {
		dialog.ShowError(err, t.d.u.win)
	}
	f.dlg = dialog.NewForm(lang.L("Site settings"), lang.L("OK"), lang.L("Cancel"), items, func(ok bool) {
		t.form = nil
		if !ok {
			return
		}
		if err := f.submit(); err != nil {
			problem(err)
		}
	}, t.d.u.win)
	f.dlg.Resize(fyne.NewSize(560, f.dlg.MinSize().Height))
	t.form = f
	f.dlg.Show()
}

func newSiteForm(s downloader.Site) *siteForm {
	entry := func(v string) *escEntry {
		e := newEntry()
		e.SetText(v)
		return e
	}
	num := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	f := &siteForm{
		host: entry(s.Host), conns: entry(num(s.Connections)), perHost: entry(num(s.PerHost)),
		agent: entry(s.UserAgent), referer: entry(s.Referer), user: entry(s.User),
		password: newPasswordEntry(), headers: newMultiLineEntry(),
	}
	f.limit = entry("")
	if s.SpeedLimit > 0 {
		f.limit.SetText(downloader.FormatRate(s.SpeedLimit))
	}
	f.conns.SetPlaceHolder(lang.L("As in Downloads"))
	f.perHost.SetPlaceHolder(lang.L("As in Downloads"))
	f.limit.SetPlaceHolder(lang.L("Unlimited"))
	var lines []string
	for name, vs := range s.Headers {
		for _, v := range vs {
			lines = append(lines, name+": "+v)
		}
	}
	slices.Sort(lines)
	f.headers.SetText(strings.Join(lines, "\n"))
	f.headers.SetMinRowsVisible(2)
	return f
}

// site reads the form, or says what to fix.
func (f *siteForm) site() (downloader.Site, error) {
	host, err := downloader.NormalizeSiteHost(f.host.Text)
	if err != nil {
		return downloader.Site{}, errors.New(lang.L("Write a site like example.com or *.example.com."))
	}
	s := downloader.Site{Host: host, UserAgent: strings.TrimSpace(f.agent.Text), Referer: strings.TrimSpace(f.referer.Text), User: strings.TrimSpace(f.user.Text)}
	for _, n := range []struct {
		e      *escEntry
		dst    *int
		lo, hi int
	}{{f.conns, &s.Connections, 1, downloader.MaxConnections}, {f.perHost, &s.PerHost, 1, 256}} {
		if v := strings.TrimSpace(n.e.Text); v != "" {
			if err := rangeValidator(n.lo, n.hi)(v); err != nil {
				return s, err
			}
			*n.dst, _ = strconv.Atoi(v)
		}
	}
	if v := strings.TrimSpace(f.limit.Text); v != "" {
		if err := validateRate(v); err != nil {
			return s, err
		}
		s.SpeedLimit, _ = downloader.ParseRate(v)
	}
	for _, line := range strings.Split(f.headers.Text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		name, v, ok := strings.Cut(line, ":")
		name = http.CanonicalHeaderKey(strings.TrimSpace(name))
		if !ok || name == "" || strings.ContainsAny(name, " \t") || name == "Cookie" || name == "Authorization" {
			return s, errors.New(lang.L("Each header is Name: value; cookies and logins do not go here."))
		}
		if s.Headers == nil {
			s.Headers = http.Header{}
		}
		s.Headers.Add(name, strings.TrimSpace(v))
	}
	return s, nil
}

// siteLogins is where the Sites tab keeps passwords: the engine's default
// keyring store in the same process; tests replace it.
var siteLogins = logins.Default

func (u *UI) logins() *logins.Store { return siteLogins() }
