package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
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

// useHaulTheme installs haulTheme on a once.
func useHaulTheme(a fyne.App) {
	if _, ok := a.Settings().Theme().(haulTheme); ok {
		return
	}
	a.Settings().SetTheme(newHaulTheme())
}
