package cli

import (
	"strings"

	"haul/downloader"
)

// headerFlags collects repeated -H 'Name: value' flags, checked as the
// engine reads header lines (downloader.ParseHeaderLine).
type headerFlags []string

func (h *headerFlags) String() string { return strings.Join(*h, ", ") }

func (h *headerFlags) Set(v string) error {
	name, value, err := downloader.ParseHeaderLine(v)
	if err != nil {
		return err
	}
	*h = append(*h, name+": "+value)
	return nil
}
