package cli

import (
	"os"

	"haul/userdirs"
)

// DefaultDownloads is the folder new downloads go to when none is set:
// the desktop's download folder (see userdirs.Downloads).
func DefaultDownloads() string {
	// A folder that could not be created is still the right answer: the
	// engine reports it with a sentence when a download starts.
	if d, _ := userdirs.Downloads(); d != "" {
		return d
	}
	wd, _ := os.Getwd()
	return wd
}
