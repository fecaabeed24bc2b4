package unattended

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"haul/internal/atomicfile"
)

// AppID names Haul's autostart entries; it matches FyneApp.toml.
const AppID = "app.haul.Haul"

// HiddenFlag starts Haul in the tray without its window.
const HiddenFlag = "--hidden"

// Autostart registers Haul to start when the user logs in.
type Autostart interface {
	// Enable makes the session start exe with args.
	Enable(exe string, args ...string) error
	// Disable removes the entry; without one it does nothing.
	Disable() error
	// Enabled reports whether the entry exists.
	Enabled() (bool, error)
}

// writeFileAtomic replaces path with data so that a crash leaves the old
// file or the new one, never half of one.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	if err := atomicfile.WriteBytes(path, ".haul-autostart-*", 0o644, data); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

func removeIfExists(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

func exists(path string) (bool, error) {
	_, err := os.Stat(path)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, os.ErrNotExist):
		return false, nil
	}
	return false, fmt.Errorf("autostart: %w", err)
}
