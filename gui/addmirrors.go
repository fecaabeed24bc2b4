package gui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// The add dialog's "these are mirrors" choice: several links of one file
// become one download with mirrors instead of one download each.

func (d *addDialog) mirrorsCheck() fyne.CanvasObject {
	d.mirrors = newCheck(lang.L("These links are mirrors of one file"), func(bool) { d.linksChanged() })
	d.mirrors.Hide()
	return d.mirrors
}

// asMirrors reports whether the links make one download.
func (d *addDialog) asMirrors() bool {
	return d.mirrors != nil && d.mirrors.Checked && len(d.valid) > 1
}

// mirrorsSummary shows the choice when there are several links, and
// rewrites the count line when it is taken.
func (d *addDialog) mirrorsSummary(msg string) string {
	if d.mirrors == nil {
		return msg
	}
	if len(d.valid) > 1 {
		d.mirrors.Show()
	} else {
		d.mirrors.Hide()
	}
	if !d.asMirrors() {
		return msg
	}
	// The count line ("N downloads will be added") comes first: replace it.
	line := lang.L("1 download from {{.Count}} mirrors.", map[string]any{"Count": len(d.valid)})
	if _, rest, ok := strings.Cut(msg, "\n"); ok {
		return line + "\n" + rest
	}
	return line
}
