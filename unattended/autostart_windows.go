package unattended

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// runKeyPath is the per-user Run key under HKEY_CURRENT_USER.
const runKeyPath = `Software\Microsoft\Windows\CurrentVersion\Run`

// registryRunKey opens the Run key for each operation, so nothing stays
// open between a click in Settings and the next.
type registryRunKey struct{}

func (registryRunKey) open() (registry.Key, error) {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKeyPath, registry.QUERY_VALUE|registry.SET_VALUE)
	if err != nil {
		return 0, fmt.Errorf(`open HKCU\%s: %w`, runKeyPath, err)
	}
	return k, nil
}

func (r registryRunKey) SetStringValue(name, value string) error {
	k, err := r.open()
	if err != nil {
		return err
	}
	defer k.Close()
	return k.SetStringValue(name, value)
}

func (r registryRunKey) DeleteValue(name string) error {
	k, err := r.open()
	if err != nil {
		return err
	}
	defer k.Close()
	return k.DeleteValue(name)
}

func (r registryRunKey) HasValue(name string) (bool, error) {
	k, err := r.open()
	if err != nil {
		return false, err
	}
	defer k.Close()
	_, _, err = k.GetStringValue(name)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, registry.ErrNotExist):
		return false, nil
	}
	return false, err
}

// SystemAutostart is this system's way to start with the session.
func SystemAutostart() (Autostart, error) { return &RunAutostart{Key: registryRunKey{}}, nil }
