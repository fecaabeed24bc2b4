package main

import (
	"strings"

	"fyne.io/fyne/v2/lang"
)

// text words the notice in the window's language; "" when there is
// nothing to say. Call it after gui.New loaded the language.
func (n serviceNotice) text() string {
	if n.failed != nil {
		return lang.L("Haul could not start its local service ({{.Error}}); opening links from other programs will not reach this window.", map[string]any{"Error": n.failed.Error()})
	}
	var parts []string
	if n.portInUse != 0 {
		parts = append(parts, lang.L("Another program already uses port {{.Port}}, so Haul's aria2-compatible RPC could not start. Browser extensions cannot reach Haul until you choose another port in Settings.", map[string]any{"Port": n.portInUse}))
	}
	if n.rotated {
		parts = append(parts, lang.L("Haul made a new RPC secret: the old one may have reached another program after Haul last stopped unexpectedly. Enter the new secret (Settings) in the browser extension."))
	}
	return strings.Join(parts, "\n\n")
}
