package gui

import (
	"context"
	"runtime"
	"time"

	"github.com/godbus/dbus/v5"
)

// sniWatcher is the bus name a tray host owns on freedesktop desktops
// (the StatusNotifierItem specification). Stock GNOME has none without
// the AppIndicator extension: an item registered there is never drawn.
const sniWatcher = "org.kde.StatusNotifierWatcher"

// trayHostWait bounds the start-up check for a tray host.
const trayHostWait = 2 * time.Second

// TrayHostPresent reports whether the desktop will draw a tray icon. On
// Windows and macOS there always is a tray (notification area, menu
// bar); elsewhere it asks the session bus whether a StatusNotifierWatcher
// is registered.
func TrayHostPresent(ctx context.Context) bool {
	switch runtime.GOOS {
	case "windows", "darwin":
		return true
	}
	ctx, cancel := context.WithTimeout(ctx, trayHostWait)
	defer cancel()
	conn, err := dbus.ConnectSessionBus(dbus.WithContext(ctx))
	if err != nil {
		return false
	}
	defer conn.Close()
	return hasOwner(ctx, conn, sniWatcher)
}

// hasOwner asks the bus whether name is owned.
func hasOwner(ctx context.Context, conn *dbus.Conn, name string) bool {
	var has bool
	err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, name).Store(&has)
	return err == nil && has
}
