package main

import (
	"os/exec"
	"strings"
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

// TestIdleSection: Haul's rows carry the targets and their marks, the
// empty Fyne window's rows none, and a mode not measured says so.
func TestIdleSection(t *testing.T) {
	b := &bench{idle: &idleResult{Shown: 1.2, Hidden: 0.9, Secs: 60,
		Floor: &idleResult{Shown: 0.72, Hidden: -1, Secs: 60, Note: "shown not measured"}}}
	got := b.idleSection()
	for _, want := range []string{
		"| shown | 1.200 | 2.00 % | ≤ 3 % ✓ |",
		"| hidden | 0.900 | 1.50 % | ≤ 1 % ✗ |",
		"| empty Fyne window, shown | 0.720 | 1.20 % |  |",
		"| empty Fyne window, hidden | not measured | |  |",
		"fyne-io/fyne#2506",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("idle section lacks %q:\n%s", want, got)
		}
	}
}
