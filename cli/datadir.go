package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"haul/downloader/store"
	"haul/userdirs"
)

// ErrInUse means another Haul process has the data folder open.
var ErrInUse = errors.New("another Haul is using this data folder")

// DataDir resolves --data: the flag when given, else the user's config
// folder + "Haul".
func DataDir(flagValue string) (string, error) {
	if flagValue != "" {
		return filepath.Abs(flagValue)
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the config folder (use --data DIR): %w", err)
	}
	return filepath.Join(base, "Haul"), nil
}

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

// OpenStore opens haul.db in dir. A damaged file has been moved aside when
// notice is non-empty; the caller tells the user.
func OpenStore(dir string) (db *store.DB, notice string, err error) {
	db, err = store.Open(filepath.Join(dir, "haul.db"), store.Options{})
	if errors.Is(err, store.ErrLocked) {
		return nil, "", fmt.Errorf("%w (%s)", ErrInUse, dir)
	}
	if err != nil {
		return nil, "", err
	}
	if r := db.Recovered(); r != nil {
		notice = tr("The task database was damaged ({{.Reason}}); it was moved to {{.Path}} and Haul started with an empty one.", map[string]any{"Reason": r.Reason, "Path": r.BrokenPath})
	}
	return db, notice, nil
}
