//go:build windows

package nmhost

import (
	"errors"
	"fmt"
	"io/fs"

	"golang.org/x/sys/windows/registry"
)

// SystemRegistry is HKEY_CURRENT_USER, where Chromium-family browsers and
// Firefox look up native messaging hosts per user.
func SystemRegistry() Registry { return hkcu{} }

type hkcu struct{}

func (hkcu) Default(key string) (string, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, key, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return "", fmt.Errorf("read HKCU\\%s: %w", key, fs.ErrNotExist)
	}
	if err != nil {
		return "", fmt.Errorf("read HKCU\\%s: %w", key, err)
	}
	defer k.Close()
	v, _, err := k.GetStringValue("")
	if errors.Is(err, registry.ErrNotExist) {
		return "", fmt.Errorf("read HKCU\\%s: %w", key, fs.ErrNotExist)
	}
	return v, err
}

func (hkcu) SetDefault(key, value string) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, key, registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf("create HKCU\\%s: %w", key, err)
	}
	defer k.Close()
	if err := k.SetStringValue("", value); err != nil {
		return fmt.Errorf("write HKCU\\%s: %w", key, err)
	}
	return nil
}
