package gui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// relativeLuminance follows WCAG 2.2's definition for sRGB.
func relativeLuminance(c color.Color) float64 {
	r, g, b, _ := color.NRGBAModel.Convert(c).RGBA()
	lin := func(v uint32) float64 {
		s := float64(v>>8) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

func contrastRatio(a, b color.Color) float64 {
	la, lb := relativeLuminance(a), relativeLuminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestTextContrast: every colour Haul draws text in reaches WCAG AA
// (4.5:1) against what it is drawn on, in the dark and the light variant.
func TestTextContrast(t *testing.T) {
	th := newHaulTheme()
	pairs := []struct {
		text, on fyne.ThemeColorName
		what     string
	}{
		{theme.ColorNameForeground, theme.ColorNameBackground, "text"},
		{theme.ColorNameDisabled, theme.ColorNameBackground, "secondary text (low importance)"},
		{theme.ColorNameError, theme.ColorNameBackground, "failed status"},
		{theme.ColorNameSuccess, theme.ColorNameBackground, "completed status"},
		{theme.ColorNameWarning, theme.ColorNameBackground, "paused and waiting status"},
		{theme.ColorNamePlaceHolder, theme.ColorNameInputBackground, "placeholder"},
		{theme.ColorNameForegroundOnError, theme.ColorNameError, "text on a danger button"},
		{theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess, "text on a success button"},
		{theme.ColorNameForegroundOnWarning, theme.ColorNameWarning, "text on a warning button"},
	}
	for _, v := range []fyne.ThemeVariant{theme.VariantDark, theme.VariantLight} {
		for _, p := range pairs {
			r := contrastRatio(th.Color(p.text, v), th.Color(p.on, v))
			t.Logf("%-5s %-34s %.2f:1", variantName[v], p.what, r)
			if r < 4.5 {
				t.Errorf("%s: %s (%s on %s) is %.2f:1, want ≥ 4.5:1", variantName[v], p.what, p.text, p.on, r)
			}
		}
	}
}

func TestContrastRatioKnownValues(t *testing.T) {
	black, white := color.Black, color.White
	if r := contrastRatio(black, white); math.Abs(r-21) > 0.01 {
		t.Errorf("black on white = %.2f, want 21", r)
	}
	if r := contrastRatio(white, white); r != 1 {
		t.Errorf("white on white = %.2f, want 1", r)
	}
}

var variantName = map[fyne.ThemeVariant]string{theme.VariantDark: "dark", theme.VariantLight: "light"}
