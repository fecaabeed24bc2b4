package gui

import (
	"slices"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
)

// Settings → Categories: sorting into folders by category, and each
// category's folder, extensions and media types.
type categoryTab struct {
	content             fyne.CanvasObject
	sort                *escCheck
	pick                *escSelect
	folder, exts, mimes *escEntry
	rules               map[downloader.Category]downloader.CategoryRule
	cur                 downloader.Category
}

func newCategoryTab(s downloader.Settings) *categoryTab {
	c := &categoryTab{rules: map[downloader.Category]downloader.CategoryRule{}}
	for _, k := range downloader.AllCategories {
		c.rules[k] = s.Categories.Rule(k)
	}
	c.sort = newCheck(lang.L("Sort into folders by category"), nil)
	c.sort.SetChecked(s.Categories.Sort)
	c.folder, c.exts, c.mimes = newEntry(), newMultiLineEntry(), newMultiLineEntry()
	for _, e := range []*escEntry{c.exts, c.mimes} {
		e.Wrapping = fyne.TextWrapWord // long lists wrap instead of scrolling sideways
		e.SetMinRowsVisible(2)
	}
	c.exts.SetPlaceHolder("mp4, mkv, webm")
	c.mimes.SetPlaceHolder("video/*, application/x-mpegurl")
	titles := choiceTitles(downloader.AllCategories, CategoryTitle)
	c.pick = newSelect(titles, func(title string) {
		c.store()
		if k, ok := choiceOf(downloader.AllCategories, CategoryTitle, title); ok {
			c.load(k)
		}
	})
	c.pick.SetSelected(titles[0])
	c.content = widget.NewForm(
		&widget.FormItem{Text: "", Widget: c.sort, HintText: lang.L("Downloads added without a folder go into their category's folder.")},
		widget.NewFormItem(lang.L("Category"), c.pick),
		&widget.FormItem{Text: lang.L("Folder"), Widget: c.folder, HintText: lang.L("Inside the download folder, or a full path.")},
		&widget.FormItem{Text: lang.L("Extensions"), Widget: c.exts, HintText: lang.L("Separated by commas; the extension decides first.")},
		&widget.FormItem{Text: lang.L("Media types"), Widget: c.mimes, HintText: lang.L("What the server says the file is, like video/* or application/pdf.")},
	)
	return c
}

// load shows category k's rule in the entries.
func (c *categoryTab) load(k downloader.Category) {
	c.cur = k
	r := c.rules[k]
	c.folder.SetText(r.Folder)
	c.exts.SetText(strings.Join(r.Extensions, ", "))
	c.mimes.SetText(strings.Join(r.MediaTypes, ", "))
}

// store keeps the entries' edits of the shown category.
func (c *categoryTab) store() {
	if c.cur == "" {
		return
	}
	c.rules[c.cur] = downloader.CategoryRule{
		Folder:     strings.TrimSpace(c.folder.Text),
		Extensions: splitList(c.exts.Text, true),
		MediaTypes: splitList(c.mimes.Text, false),
	}
}

// splitList reads "a, .b c" into [a b c], lower case.
func splitList(s string, ext bool) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) }) {
		f = strings.ToLower(f)
		if ext {
			f = strings.TrimPrefix(f, ".")
		}
		if f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

func (c *categoryTab) read(s *downloader.Settings) error {
	c.store()
	s.Categories.Sort = c.sort.Checked
	def := downloader.DefaultCategoryRules()
	s.Categories.Rules = nil
	for k, r := range c.rules {
		d := def[k]
		if r.Folder == d.Folder && slices.Equal(r.Extensions, d.Extensions) && slices.Equal(r.MediaTypes, d.MediaTypes) {
			continue // unchanged: keep following the built-in lists
		}
		if s.Categories.Rules == nil {
			s.Categories.Rules = map[downloader.Category]downloader.CategoryRule{}
		}
		s.Categories.Rules[k] = r
	}
	return nil
}

func (c *categoryTab) saved() error { return nil }
