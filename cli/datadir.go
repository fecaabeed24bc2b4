package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"haul/downloader/store"
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
		notice = trN("The task database was damaged ({{.Reason}}). {{.Count}} downloads were recovered ({{.FromBackup}} of them from the backup), {{.Lost}} could not be read. The damaged file was kept as {{.Path}}.", r.Kept,
			map[string]any{"Reason": r.Reason, "Count": r.Kept, "FromBackup": r.FromBackup, "Lost": r.Lost, "Path": r.BrokenPath})
	}
	return db, notice, nil
}
