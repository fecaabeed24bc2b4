package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
)

// Settings → Theme: follow the system, or always light or dark. The
// choice travels in Settings.UI[UIKeyTheme].

// UIKeyTheme holds ThemeSystem, ThemeLight or ThemeDark.
const UIKeyTheme = "theme"

const (
	ThemeSystem = ""
	ThemeLight  = "light"
	ThemeDark   = "dark"
)

// fixedVariant is Fyne's default theme held at one variant.
type fixedVariant struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t fixedVariant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

// applyTheme sets the app's theme from the settings.
func applyTheme(a fyne.App, s downloader.Settings) {
	var th fyne.Theme = theme.DefaultTheme()
	switch s.UI[UIKeyTheme] {
	case ThemeLight:
		th = fixedVariant{th, theme.VariantLight}
	case ThemeDark:
		th = fixedVariant{th, theme.VariantDark}
	}
	a.Settings().SetTheme(th)
}

// themeChoice is the Theme select of the settings dialog.
type themeChoice struct{ sel *widget.Select }

var themeValues = []string{ThemeSystem, ThemeLight, ThemeDark}

func themeTitle(v string) string {
	switch v {
	case ThemeLight:
		return lang.L("Light")
	case ThemeDark:
		return lang.L("Dark")
	}
	return lang.L("Same as the system")
}

func newThemeChoice(s downloader.Settings) *themeChoice {
	titles := make([]string, len(themeValues))
	for i, v := range themeValues {
		titles[i] = themeTitle(v)
	}
	c := &themeChoice{sel: widget.NewSelect(titles, nil)}
	c.sel.SetSelected(themeTitle(s.UI[UIKeyTheme]))
	return c
}

func (c *themeChoice) read(s *downloader.Settings) error {
	for _, v := range themeValues {
		if themeTitle(v) == c.sel.Selected {
			s.UI[UIKeyTheme] = v
		}
	}
	return nil
}
