package cli

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"haul/assets"
)

var translationsOnce sync.Once

// tr translates a sentence for the terminal. The terminal follows the
// system language (LANG), as other command-line tools do; the window's
// language setting is the window's.
func tr(key string, data ...any) string {
	load()
	return lang.L(key, data...)
}

// trN is tr with a plural form chosen by n.
func trN(key string, n int, data ...any) string {
	load()
	return lang.N(key, n, data...)
}

func load() {
	translationsOnce.Do(func() {
		if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
			fyne.LogError("loading translations", err)
		}
	})
}
