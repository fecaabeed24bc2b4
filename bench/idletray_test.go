package main

import (
	"os/exec"
	"testing"

	"github.com/godbus/dbus/v5"
)

// TestTrayBus: the private bus has a tray host, so Haul on it has a tray
// to hide to (what unattended.TrayHostPresent asks), and a registration
// is accepted.
func TestTrayBus(t *testing.T) {
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		t.Skip("dbus-daemon is not installed")
	}
	addr, stop, err := startTrayBus()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var has bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, sniWatcher).Store(&has); err != nil || !has {
		t.Fatalf("NameHasOwner(%s) = %v, %v; want true", sniWatcher, has, err)
	}
	call := conn.Object(sniWatcher, "/StatusNotifierWatcher").Call(sniWatcher+".RegisterStatusNotifierItem", 0, "/StatusNotifierItem")
	if call.Err != nil {
		t.Fatalf("RegisterStatusNotifierItem: %v", call.Err)
	}
}
