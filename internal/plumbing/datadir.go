package plumbing

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"haul/downloader/store"
)

// DBFile is the store's file name inside the data folder.
const DBFile = "haul.db"

// ErrInUse means another Haul process has the data folder open.
var ErrInUse = errors.New("another Haul is using this data folder")

// DataDir resolves --data: the flag when given (made absolute), else the
// user's config folder + "Haul" (os.UserConfigDir: $XDG_CONFIG_HOME or
// ~/.config on Linux, %AppData% on Windows). It fails only when no config
// folder can be found.
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

// OpenStore opens dir/haul.db, creating dir (0700) and the file (0600)
// when missing. A damaged file has been moved aside when recovered is
// non-nil; the caller tells the user in its own language. A file locked
// by another process returns an error wrapping ErrInUse.
func OpenStore(dir string) (db *store.DB, recovered *store.Recovery, err error) {
	db, err = store.Open(filepath.Join(dir, DBFile), store.Options{})
	if errors.Is(err, store.ErrLocked) {
		return nil, nil, fmt.Errorf("%w (%s)", ErrInUse, dir)
	}
	if err != nil {
		return nil, nil, err
	}
	return db, db.Recovered(), nil
}

// RecoveryNoticeData is the template data of the sentence telling the user
// what a damaged database kept and lost (its key, with plural forms by
// r.Kept, is in the translations; each front end words it).
func RecoveryNoticeData(r *store.Recovery) map[string]any {
	return map[string]any{"Reason": r.Reason, "Count": r.Kept, "FromBackup": r.FromBackup, "Lost": r.Lost, "Path": r.BrokenPath}
}
