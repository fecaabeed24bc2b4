// Package assets holds Haul's embedded icons and translations. No logic,
// and no Fyne: the terminal verbs and the headless hauld read the
// translations too.
package assets

import "embed"

// Translations holds translations/<lang>.json (go-i18n's JSON format), for
// Fyne's lang.AddTranslationsFS in the window and haul/internal/i18n in
// the terminal.
//
//go:embed translations
var Translations embed.FS

//go:embed icon.png
var iconPNG []byte

//go:embed icon.svg
var iconSVG []byte

// Resource is a named embedded file. It has the method set of
// fyne.Resource, so the window uses it as one without this package
// importing Fyne.
type Resource struct {
	name    string
	content []byte
}

// Name is the file name, which Fyne also uses as a cache key.
func (r *Resource) Name() string { return r.name }

// Content is the file's bytes; callers must not modify them.
func (r *Resource) Content() []byte { return r.content }

// Icon is the 256 px application icon, for the window, the tray and
// notifications.
var Icon = &Resource{name: "haul.png", content: iconPNG}

// IconSVG is the same icon as a vector, sharp at any size inside the app.
var IconSVG = &Resource{name: "haul.svg", content: iconSVG}
