package gui

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
)

// maxDroppedList bounds how much of a dropped link list is read: a list
// of thousands of links is a few hundred KiB, and a huge file dropped by
// mistake must not stall the window.
const maxDroppedList = 4 << 20

// dropped offers what was dragged onto the window for download: links
// themselves, or .txt files holding one link per line. Anything else gets
// a sentence saying what Haul takes, rather than nothing happening.
func (u *UI) dropped(_ fyne.Position, uris []fyne.URI) {
	var lines, problems []string
	for _, x := range uris {
		switch s := x.Scheme(); {
		case s == "http" || s == "https":
			lines = append(lines, x.String())
		case s == "file" && strings.EqualFold(filepath.Ext(x.Path()), ".txt"):
			links, err := readLinkList(x.Path())
			if err != nil {
				problems = append(problems, lang.L("Could not read {{.Name}}: {{.Err}}",
					map[string]any{"Name": x.Name(), "Err": err}))
				continue
			}
			lines = append(lines, links...)
		}
	}
	if len(lines) > 0 {
		u.showAdd(strings.Join(lines, "\n"))
		return
	}
	msg := lang.L("Drop links, or a .txt file with one link per line.")
	if len(problems) > 0 {
		msg = strings.Join(problems, "\n")
	}
	dialog.ShowInformation(lang.L("Nothing to add"), msg, u.win)
}

var errListTooLarge = errors.New("larger than 4 MiB")

// readLinkList returns the http(s) links in the text file at path.
func readLinkList(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxDroppedList+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxDroppedList {
		return nil, errListTooLarge
	}
	valid, _ := parseLinks(string(data))
	return valid, nil
}
