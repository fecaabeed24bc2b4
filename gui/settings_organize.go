package gui

import (
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
)

// settingsSection is a part of the settings dialog kept in its own file:
// read writes its fields into the settings being saved (or says what is
// wrong); saved runs after the engine accepted them, and an error keeps
// the dialog open.
type settingsSection interface {
	read(s *downloader.Settings) error
	saved() error
}

// addOrganizeTabs adds Theme to the Desktop tab and the Categories and
// Sites tabs.
func (d *settingsDialog) addOrganizeTabs(s downloader.Settings, desktop *widget.Form) {
	th := newThemeChoice(s)
	desktop.AppendItem(widget.NewFormItem(lang.L("Theme"), th.sel))
	cats := newCategoryTab(s)
	d.sites = newSitesTab(d, s)
	d.tabs.Append(container.NewTabItem(lang.L("Categories"), cats.content))
	d.tabs.Append(container.NewTabItem(lang.L("Sites"), d.sites.content))
	d.sections = append(d.sections, th, cats, d.sites)
}

func (d *settingsDialog) readSections(s *downloader.Settings) error {
	for _, sec := range d.sections {
		if err := sec.read(s); err != nil {
			return err
		}
	}
	return nil
}

// sectionsSaved runs each section's saved in order, stopping at the first
// error.
func (d *settingsDialog) sectionsSaved() error {
	for _, sec := range d.sections {
		if err := sec.saved(); err != nil {
			return err
		}
	}
	return nil
}

func (*themeChoice) saved() error   { return nil }
func (*webUIField) saved() error    { return nil }
func (*remoteSection) saved() error { return nil }
