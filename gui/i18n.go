package gui

import (
	"strings"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"haul/assets"
)

// Language values stored in Settings.UI[UIKeyLanguage].
const (
	LanguageSystem  = ""
	LanguageEnglish = "en"
	LanguageChinese = "zh-Hans"
)

var translationsOnce sync.Once

// englishUI tells whether the window speaks English, so the engine's
// detailed English sentences can be shown as they are.
var englishUI atomic.Bool

func init() { englishUI.Store(true) }

// LoadTranslations registers Haul's strings with Fyne's lang package and,
// unless language is LanguageSystem, makes that language win over the
// system's. It acts once per process: Fyne offers no way to switch the
// language of widgets already built, so a change applies at next start.
// New calls it; main.go may call it earlier for strings printed before.
func LoadTranslations(language string) {
	translationsOnce.Do(func() {
		if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
			fyne.LogError("loading translations", err)
		}
		if language == LanguageSystem {
			englishUI.Store(!strings.HasPrefix(lang.SystemLocale().LanguageString(), "zh"))
			return
		}
		englishUI.Store(language == LanguageEnglish)
		data, err := assets.Translations.ReadFile("translations/" + language + ".json")
		if err != nil {
			fyne.LogError("unknown language "+language, err)
			return
		}
		// lang picks the bundle closest to the system locale and has no
		// override, so register the chosen strings under the system's own
		// locale: it then matches exactly. Fyne's built-in strings fall
		// back to English for that locale, a fair price for the choice.
		sys := lang.SystemLocale()
		if sys.LanguageString() == language {
			return
		}
		if err := lang.AddTranslationsForLocale(data, sys); err != nil {
			fyne.LogError("forcing language "+language, err)
		}
	})
}
