package main

import (
	"bufio"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
)

// sniWatcher is the bus name a desktop's tray host owns (the
// StatusNotifierItem specification); Haul hides to the tray only when it
// is there (unattended.TrayHostPresent).
const sniWatcher = "org.kde.StatusNotifierWatcher"

// trayWatcher takes the registrations a tray host would; the idle
// measurement needs the tray to exist, not to be drawn.
type trayWatcher struct{}

func (trayWatcher) RegisterStatusNotifierItem(string) *dbus.Error { return nil }
func (trayWatcher) RegisterStatusNotifierHost(string) *dbus.Error { return nil }

// startTrayBus starts a private session bus on which a stand-in tray host
// owns sniWatcher, so Haul on it has a tray to hide its window to, as on
// a desktop. It returns the bus address and what stops both.
func startTrayBus() (addr string, stop func(), err error) {
	daemon := exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1")
	out, err := daemon.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := daemon.Start(); err != nil {
		return "", nil, err
	}
	stopDaemon := func() { _ = daemon.Process.Kill(); _ = daemon.Wait() }
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case addr = <-line:
	case <-time.After(10 * time.Second):
	}
	if addr == "" {
		stopDaemon()
		return "", nil, fmt.Errorf("dbus-daemon gave no address")
	}
	conn, err := dbus.Connect(addr)
	if err != nil {
		stopDaemon()
		return "", nil, fmt.Errorf("connect to the private bus: %w", err)
	}
	stop = func() { conn.Close(); stopDaemon() }
	if err := conn.Export(trayWatcher{}, "/StatusNotifierWatcher", sniWatcher); err != nil {
		stop()
		return "", nil, err
	}
	if reply, err := conn.RequestName(sniWatcher, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		stop()
		return "", nil, fmt.Errorf("own %s on the private bus: %v (reply %d)", sniWatcher, err, reply)
	}
	return addr, stop, nil
}
