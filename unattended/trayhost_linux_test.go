package unattended

import (
	"context"
	"testing"

	"github.com/godbus/dbus/v5"

	"haul/internal/testbus"
)

// privateBus starts a session bus of the test's own and points
// DBUS_SESSION_BUS_ADDRESS at it.
func privateBus(t *testing.T) string {
	t.Helper()
	addr := testbus.Start(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	return addr
}

// TestTrayHostPresent: a tray counts only when a StatusNotifierWatcher
// owns its name, as on a desktop with a panel that draws tray icons.
func TestTrayHostPresent(t *testing.T) {
	addr := privateBus(t)
	if TrayHostPresent(context.Background()) {
		t.Error("a bus with no watcher reports a tray host")
	}
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if r, err := conn.RequestName(SNIWatcher, dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own %s: %v %d", SNIWatcher, err, r)
	}
	if !TrayHostPresent(context.Background()) {
		t.Error("a registered watcher is not seen")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
	if TrayHostPresent(context.Background()) {
		t.Error("no session bus reports a tray host")
	}
}
