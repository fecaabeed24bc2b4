package gui

import (
	"net/url"
	"path"
	"strings"

	"fyne.io/fyne/v2/lang"
)

// categoryHint tells, while sorting by category is on and the dialog
// keeps the default folder, which folder the first link is expected to go
// to by its name; the server's media type may still change it at the
// probe. It is "" otherwise.
func (d *addDialog) categoryHint(links []string) string {
	set := d.u.eng.Settings()
	if !set.Categories.Sort || len(links) == 0 || strings.TrimSpace(d.folder.Text) != set.Folder {
		return ""
	}
	name := strings.TrimSpace(d.name.Text)
	if name == "" || len(links) > 1 {
		if u, err := url.Parse(links[0]); err == nil {
			name = path.Base(u.Path)
		}
	}
	c := set.Categories.Classify(name, "")
	return lang.L("Sorted by category: {{.Category}}, into {{.Folder}}", map[string]any{
		"Category": CategoryTitle(c), "Folder": set.Categories.Folder(c, set.Folder)})
}
