package gui

import (
	"fyne.io/fyne/v2/lang"
)

// The add dialog's "Video quality" choice: which variant of an HLS master
// playlist to save (downloader.Options.Variant, the values `haul get
// --variant` takes). It matters only for streamed video; files ignore it.

var variantValues = []string{"", "1080p", "720p", "480p", "360p", "worst"}

func variantTitle(v string) string {
	switch v {
	case "1080p":
		return lang.L("1080p or lower")
	case "720p":
		return lang.L("720p or lower")
	case "480p":
		return lang.L("480p or lower")
	case "360p":
		return lang.L("360p or lower")
	case "worst":
		return lang.L("Smallest")
	}
	return lang.L("Best available")
}

func newVariantSelect() *escSelect {
	sel := newSelect(choiceTitles(variantValues, variantTitle), nil)
	sel.SetSelectedIndex(0)
	return sel
}

// variantOf is the Options.Variant value sel shows.
func variantOf(sel *escSelect) string {
	if i := sel.SelectedIndex(); i > 0 && i < len(variantValues) {
		return variantValues[i]
	}
	return ""
}
