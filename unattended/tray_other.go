//go:build !linux

package unattended

// TrayAvailable reports whether a panel shows tray icons; Windows and
// macOS always have a notification area or menu bar.
func TrayAvailable() bool { return true }
