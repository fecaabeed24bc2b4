package gui

import (
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2/lang"

	"haul/downloader"
)

// connectionsText shows a connection count: "Auto" for the automatic one
// (downloader.ConnectionsAuto), the number otherwise.
func connectionsText(n int) string {
	if n == downloader.ConnectionsAuto {
		return lang.L("Auto")
	}
	return strconv.Itoa(n)
}

// parseConnections reads a connections field: empty or "Auto" (in the
// window's language or in English) is downloader.ConnectionsAuto, a whole
// number from 1 to downloader.MaxConnections pins the count.
func parseConnections(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "auto") || s == lang.L("Auto") {
		return downloader.ConnectionsAuto, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > downloader.MaxConnections {
		return 0, errors.New(lang.L("Connections must be a whole number from 1 to {{.Max}}.", map[string]any{"Max": downloader.MaxConnections}))
	}
	return n, nil
}

// validateConnections is parseConnections as an entry validator.
func validateConnections(s string) error {
	_, err := parseConnections(s)
	return err
}

// connectionsEntry is the settings field for the default connection
// count: "Auto" or a number.
func connectionsEntry(n int) *escEntry {
	e := newEntry()
	e.SetText(connectionsText(n))
	e.SetPlaceHolder(lang.L("Auto"))
	e.Validator = validateConnections
	return e
}
