package unattended

import (
	"context"
	"fmt"
	"sync"

	"github.com/godbus/dbus/v5"
	"golang.org/x/sys/unix"
)

// logind's well-known name and manager object on the system bus
// (org.freedesktop.login1(5)).
const (
	logindName    = "org.freedesktop.login1"
	logindPath    = "/org/freedesktop/login1"
	logindManager = "org.freedesktop.login1.Manager"
)

// Logind talks to systemd-logind on the system bus: it inhibits sleep and
// suspends or powers off the computer. The zero value connects to the
// system bus (DBUS_SYSTEM_BUS_ADDRESS when set) on first use.
type Logind struct {
	mu   sync.Mutex
	conn *dbus.Conn
}

func (l *Logind) bus() (*dbus.Conn, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn != nil && l.conn.Connected() {
		return l.conn, nil
	}
	conn, err := dbus.ConnectSystemBus()
	if err != nil {
		return nil, fmt.Errorf("connect to the system bus: %w", err)
	}
	l.conn = conn
	return conn, nil
}

// Close drops the bus connection.
func (l *Logind) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		return nil
	}
	err := l.conn.Close()
	l.conn = nil
	return err
}

func (l *Logind) call(ctx context.Context, method string, args ...any) (*dbus.Call, error) {
	conn, err := l.bus()
	if err != nil {
		return nil, err
	}
	call := conn.Object(logindName, logindPath).CallWithContext(ctx, logindManager+"."+method, 0, args...)
	if call.Err != nil {
		return nil, fmt.Errorf("logind %s: %w", method, call.Err)
	}
	return call, nil
}

// Inhibit takes a "block" inhibitor lock on sleep and idle; logind keeps
// it while the returned file descriptor is open.
func (l *Logind) Inhibit(ctx context.Context) (func() error, error) {
	call, err := l.call(ctx, "Inhibit", "sleep:idle", "Haul", "Downloading", "block")
	if err != nil {
		return nil, err
	}
	var fd dbus.UnixFD
	if err := call.Store(&fd); err != nil {
		return nil, fmt.Errorf("logind Inhibit: %w", err)
	}
	var once sync.Once
	return func() error {
		var err error
		once.Do(func() { err = unix.Close(int(fd)) })
		return err
	}, nil
}

// Suspend asks logind to suspend; interactive lets polkit ask the user.
func (l *Logind) Suspend(ctx context.Context) error {
	_, err := l.call(ctx, "Suspend", true)
	return err
}

// PowerOff asks logind to power off; interactive lets polkit ask the user.
func (l *Logind) PowerOff(ctx context.Context) error {
	_, err := l.call(ctx, "PowerOff", true)
	return err
}

// System returns the inhibitor and power control of this system.
func System() (Inhibitor, Power) {
	l := &Logind{}
	return l, l
}
