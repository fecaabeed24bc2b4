package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"haul/downloader"
)

// Haul's own colour names, resolved by haulTheme.
const (
	// colorNameWaiting marks a task that is held back by something other
	// than the user: a retry, the network, the schedule, a stale link.
	colorNameWaiting fyne.ThemeColorName = "haulWaiting"
	// colorNameQueued marks a task waiting for its turn.
	colorNameQueued fyne.ThemeColorName = "haulQueued"
)

// haulTheme is Fyne's default theme with text colours that reach WCAG AA
// (4.5:1 against the background, WCAG 2.2 §1.4.3) in both variants.
//
// Fyne draws low-importance labels (Haul's secondary text: the details
// status line, detail labels, the empty-list hint, sidebar counts, the
// speed limit) in its Disabled colour, about 1.5:1 in the dark variant,
// and its success and warning colours are about 1.5:1 and 2.2:1 on the
// light background. Disabled buttons use the same Disabled colour; they
// stay told apart from enabled ones by a darker light-variant foreground.
type haulTheme struct{ fyne.Theme }

func newHaulTheme() fyne.Theme { return haulTheme{theme.DefaultTheme()} }

var haulColors = map[fyne.ThemeVariant]map[fyne.ThemeColorName]color.NRGBA{
	theme.VariantDark: {
		theme.ColorNameDisabled:    {R: 0x9a, G: 0x9a, B: 0x9e, A: 0xff},
		theme.ColorNameError:       {R: 0xff, G: 0x5a, B: 0x4d, A: 0xff},
		theme.ColorNamePlaceHolder: {R: 0xb2, G: 0xb2, B: 0xb2, A: 0xff},
		colorNameWaiting:           {R: 0xce, G: 0x93, B: 0xd8, A: 0xff},
		colorNameQueued:            {R: 0x9a, G: 0x9a, B: 0x9e, A: 0xff},
	},
	theme.VariantLight: {
		theme.ColorNameForeground:  {R: 0x1f, G: 0x1f, B: 0x1f, A: 0xff},
		theme.ColorNameDisabled:    {R: 0x66, G: 0x66, B: 0x66, A: 0xff},
		theme.ColorNameError:       {R: 0xc6, G: 0x28, B: 0x28, A: 0xff},
		theme.ColorNameSuccess:     {R: 0x2e, G: 0x7d, B: 0x32, A: 0xff},
		theme.ColorNameWarning:     {R: 0xb4, G: 0x53, B: 0x09, A: 0xff},
		theme.ColorNamePlaceHolder: {R: 0x66, G: 0x66, B: 0x66, A: 0xff},
		colorNameWaiting:           {R: 0x8e, G: 0x24, B: 0xaa, A: 0xff},
		colorNameQueued:            {R: 0x66, G: 0x66, B: 0x66, A: 0xff},
	},
}

func (t haulTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if c, ok := haulColors[v][n]; ok {
		return c
	}
	return t.Theme.Color(n, v)
}

// Settings → Theme: follow the system, or always light or dark. The
// choice travels in Settings.UI[UIKeyTheme].

// UIKeyTheme holds ThemeSystem, ThemeLight or ThemeDark.
const UIKeyTheme = "theme"

const (
	ThemeSystem = ""
	ThemeLight  = "light"
	ThemeDark   = "dark"
)

// fixedVariant is Haul's theme held at one variant.
type fixedVariant struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t fixedVariant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

// applyTheme sets the app's theme from the settings: haulTheme, held at
// one variant when the user chose light or dark.
func applyTheme(a fyne.App, s downloader.Settings) {
	var th = newHaulTheme()
	switch s.UI[UIKeyTheme] {
	case ThemeLight:
		th = fixedVariant{th, theme.VariantLight}
	case ThemeDark:
		th = fixedVariant{th, theme.VariantDark}
	}
	a.Settings().SetTheme(th)
}

// themeChoice is the Theme select of the settings dialog.
type themeChoice struct{ sel *escSelect }

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
	c := &themeChoice{sel: newSelect(choiceTitles(themeValues, themeTitle), nil)}
	c.sel.SetSelected(themeTitle(s.UI[UIKeyTheme]))
	return c
}

func (c *themeChoice) read(s *downloader.Settings) error {
	if v, ok := choiceOf(themeValues, themeTitle, c.sel.Selected); ok {
		s.UI[UIKeyTheme] = v
	}
	return nil
}
