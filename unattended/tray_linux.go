package unattended

import "github.com/godbus/dbus/v5"

// TrayAvailable reports whether a panel shows tray icons: on Linux, that
// a StatusNotifierWatcher owns its name on the session bus. Starting
// hidden without one would leave Haul running with no way to reach it.
func TrayAvailable() bool {
	conn, err := dbus.SessionBusPrivate()
	if err != nil {
		return false
	}
	defer conn.Close()
	if err := conn.Auth(nil); err != nil {
		return false
	}
	if err := conn.Hello(); err != nil {
		return false
	}
	var has bool
	err = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&has)
	return err == nil && has
}
