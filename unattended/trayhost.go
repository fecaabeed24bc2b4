package unattended

import (
	"context"
	"runtime"
	"time"

	"github.com/godbus/dbus/v5"
)

// SNIWatcher is the bus name a tray host owns on freedesktop desktops
// (the StatusNotifierItem specification). Stock GNOME has none without
// the AppIndicator extension: an item registered there is never drawn.
const SNIWatcher = "org.kde.StatusNotifierWatcher"

// TrayHostWait bounds the start-up check for a tray host.
const TrayHostWait = 2 * time.Second

// TrayHostPresent reports whether the desktop will draw a tray icon. On
// Windows and macOS there always is a tray (notification area, menu
// bar); elsewhere it asks the session bus, within TrayHostWait, whether
// a StatusNotifierWatcher is registered.
func TrayHostPresent(ctx context.Context) bool {
	switch runtime.GOOS {
	case "windows", "darwin":
		return true
	}
	ctx, cancel := context.WithTimeout(ctx, TrayHostWait)
	defer cancel()
	conn, err := dbus.ConnectSessionBus(dbus.WithContext(ctx))
	if err != nil {
		return false
	}
	defer conn.Close()
	var has bool
	err = conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, SNIWatcher).Store(&has)
	return err == nil && has
}
