package cli

import (
	"os"
	"path/filepath"
)

// DefaultDownloads is the folder new downloads go to when none is set.
func DefaultDownloads() string {
	if home, err := os.UserHomeDir(); err == nil {
		d := filepath.Join(home, "Downloads")
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
		return home
	}
	wd, _ := os.Getwd()
	return wd
}
