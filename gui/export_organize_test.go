package gui

import (
	"io"

	"fyne.io/fyne/v2/widget"

	"haul/downloader/logins"
)

// Test hooks for categories, sites, theme and import/export.

// NumCategories is the number of category rows in the sidebar.
const NumCategories = numCategories

// FilterCount is the count the sidebar shows beside filter f.
func (u *UI) FilterCount(f Filter) int { return u.filters.counts[f] }

// UseLogins makes the Sites tab keep passwords in k.
func UseLogins(k *logins.Store) { siteLogins = func() *logins.Store { return k } }

type SiteForm struct {
	Host, Connections, PerHost, Limit, Agent, Referer, User, Password, Headers *widget.Entry
	Submit                                                                     func() error
}

// SettingsTabs lists the settings dialog's tab titles.
func (u *UI) SettingsTabs() []string {
	var out []string
	for _, t := range u.settingsDlg.tabs.Items {
		out = append(out, t.Text)
	}
	return out
}

// SelectSettingsTab shows the tab titled title.
func (u *UI) SelectSettingsTab(title string) {
	for _, t := range u.settingsDlg.tabs.Items {
		if t.Text == title {
			u.settingsDlg.tabs.Select(t)
		}
	}
}

func (u *UI) sitesTab() *sitesTab {
	for _, s := range u.settingsDlg.sections {
		if t, ok := s.(*sitesTab); ok {
			return t
		}
	}
	return nil
}

// EditSite opens the site editor for row i (-1: a new site).
func (u *UI) EditSite(i int) *SiteForm {
	t := u.sitesTab()
	t.edit(i)
	f := t.form
	return &SiteForm{&f.host.Entry, &f.conns.Entry, &f.perHost.Entry, &f.limit.Entry, &f.agent.Entry, &f.referer.Entry,
		&f.user.Entry, &f.password.Entry, &f.headers.Entry, f.submit}
}

// CategoryForm is the Categories tab.
type CategoryForm struct {
	Sort                *widget.Check
	Pick                *widget.Select
	Folder, Exts, Mimes *widget.Entry
}

func (u *UI) CategoryForm() *CategoryForm {
	for _, s := range u.settingsDlg.sections {
		if c, ok := s.(*categoryTab); ok {
			return &CategoryForm{&c.sort.Check, &c.pick.Select, &c.folder.Entry, &c.exts.Entry, &c.mimes.Entry}
		}
	}
	return nil
}

// ThemeSelect is the Theme choice on the Desktop tab.
func (u *UI) ThemeSelect() *widget.Select {
	for _, s := range u.settingsDlg.sections {
		if c, ok := s.(*themeChoice); ok {
			return &c.sel.Select
		}
	}
	return nil
}

// ImportFrom adds the downloads a list names, as File → Import does.
func (u *UI) ImportFrom(r io.Reader) { u.importFrom(r) }

// MenuItems lists the labels of the File menu.
func (u *UI) FileMenu() []string {
	var out []string
	for _, it := range u.win.MainMenu().Items[0].Items {
		out = append(out, it.Label)
	}
	return out
}
