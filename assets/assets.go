// Package assets holds Haul's embedded icons and translations. No logic.
package assets

import (
	"embed"

	"fyne.io/fyne/v2"
)

// Translations holds translations/<lang>.json for lang.AddTranslationsFS.
//
//go:embed translations
var Translations embed.FS

//go:embed icon.png
var iconPNG []byte

//go:embed icon.svg
var iconSVG []byte

// Icon is the 256 px application icon, for the window, the tray and
// notifications.
var Icon fyne.Resource = fyne.NewStaticResource("haul.png", iconPNG)

// IconSVG is the same icon as a vector, sharp at any size inside the app.
var IconSVG fyne.Resource = fyne.NewStaticResource("haul.svg", iconSVG)
