// Package i18n translates Haul's sentences for the terminal without Fyne.
//
// It reads the same files as the window (assets/translations/<tag>.json,
// go-i18n's JSON format: a string, or an object of CLDR plural forms) with
// the same library Fyne's lang package uses (github.com/nicksnyder/go-i18n),
// so a sentence, its {{.Name}} template fields and its plural forms mean the
// same in both front ends. The window keeps Fyne's lang for its widgets.
//
// The terminal's language follows the POSIX locale variables (LC_ALL, then
// LC_MESSAGES, then LANG; GNU LANGUAGE when the locale is not C), as other
// command-line tools do. "C" and "POSIX" (with any encoding, e.g.
// "C.UTF-8") mean English.
package i18n

import (
	"encoding/json"
	"io/fs"
	"os"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"haul/assets"
)

// Dir is the folder of assets.Translations that holds <tag>.json.
const Dir = "translations"

var (
	loadOnce  sync.Once
	localizer *i18n.Localizer
	loadErr   error
)

// T translates key for the terminal and fills its {{.Field}} template
// fields from data[0]. A key without a translation comes back as itself
// (filled in), so a missing entry degrades to English, never to nothing.
func T(key string, data ...any) string { return translate(key, nil, data) }

// N is T with the plural form chosen by n (CLDR rules of the language).
func N(key string, n int, data ...any) string { return translate(key, n, data) }

func translate(key string, count any, data []any) string {
	loadOnce.Do(load)
	return localize(localizer, key, count, data)
}

func localize(l *i18n.Localizer, key string, count any, data []any) string {
	var d0 any
	if len(data) > 0 {
		d0 = data[0]
	}
	// A key missing in the chosen language comes back in English, with an
	// error saying so: the English is what we want then.
	s, err := l.Localize(&i18n.LocalizeConfig{
		DefaultMessage: &i18n.Message{ID: key, Other: key},
		TemplateData:   d0,
		PluralCount:    count,
	})
	if s == "" && err != nil {
		return key // a damaged template: the sentence unfilled beats nothing
	}
	return s
}

// load reads the bundle once per process. Damaged files (LoadError) leave
// an empty English bundle: every key is then its own English sentence.
func load() {
	b, err := NewBundle(assets.Translations)
	if err != nil {
		loadErr = err
		b = i18n.NewBundle(language.English)
	}
	localizer = i18n.NewLocalizer(b, Languages(os.Getenv)...)
}

// LoadError reports why the translation files could not be read; nil
// when they were (or have not been needed yet).
func LoadError() error { return loadErr }

// NewBundle parses every <tag>.json under Dir of files into a go-i18n
// bundle whose fallback language is English.
func NewBundle(files fs.FS) (*i18n.Bundle, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	entries, err := fs.ReadDir(files, Dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		data, err := fs.ReadFile(files, Dir+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		if _, err := b.ParseMessageFileBytes(data, e.Name()); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// Languages returns the BCP 47 tags the user's locale asks for, most
// wanted first, read through getenv (os.Getenv in production): LC_ALL,
// else LC_MESSAGES, else LANG; when that locale is set and is not C or
// POSIX, GNU's LANGUAGE list (colon-separated) comes before it. "C",
// "POSIX" and an unset locale give nil, which means English.
func Languages(getenv func(string) string) []string {
	var locale string
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if locale = getenv(name); locale != "" {
			break
		}
	}
	if isCLocale(locale) {
		return nil // gettext ignores LANGUAGE in the C locale too
	}
	var tags []string
	for _, l := range strings.Split(getenv("LANGUAGE"), ":") {
		if t := posixToTag(l); t != "" {
			tags = append(tags, t)
		}
	}
	if t := posixToTag(locale); t != "" {
		tags = append(tags, t)
	}
	return tags
}

func isCLocale(locale string) bool {
	base, _, _ := strings.Cut(locale, ".")
	return base == "" || base == "C" || base == "POSIX"
}

// posixToTag turns a POSIX locale name (language[_territory][.codeset]
// [@modifier], e.g. "zh_CN.UTF-8") into a BCP 47 tag ("zh-CN"), or ""
// when it names no language.
func posixToTag(locale string) string {
	locale, _, _ = strings.Cut(locale, "@")
	locale, _, _ = strings.Cut(locale, ".")
	if isCLocale(locale) {
		return ""
	}
	tag, err := language.Parse(strings.ReplaceAll(locale, "_", "-"))
	if err != nil {
		return ""
	}
	return tag.String()
}
