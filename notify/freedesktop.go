package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"
)

// The Desktop Notifications Specification 1.2, over D-Bus.
const (
	fdoName      = "org.freedesktop.Notifications"
	fdoPath      = dbus.ObjectPath("/org/freedesktop/Notifications")
	fdoInterface = "org.freedesktop.Notifications"
)

// ErrNoServer means no notification server owns its name on the bus.
var ErrNoServer = errors.New("notify: no notification server on the session bus")

// Freedesktop sends notifications to the desktop's notification server
// and runs an action when the server reports the user picked it
// (ActionInvoked). Close it to stop listening.
type Freedesktop struct {
	conn    *dbus.Conn
	app     string // app_name: what the desktop calls the sender
	icon    string // app_icon: a file path or a theme icon name
	actions bool   // the server's capabilities include "actions"

	mu      sync.Mutex
	pending map[uint32][]Action // shown notifications that have actions

	signals chan *dbus.Signal
	done    chan struct{}
}

// NewFreedesktop talks to the notification server on conn, which it takes
// over and closes in Close. app is the name the desktop shows ("Haul"),
// icon a path to the app's icon or "". It returns ErrNoServer when nothing
// serves notifications.
func NewFreedesktop(ctx context.Context, conn *dbus.Conn, app, icon string) (*Freedesktop, error) {
	var caps []string
	err := conn.Object(fdoName, fdoPath).CallWithContext(ctx, fdoInterface+".GetCapabilities", 0).Store(&caps)
	if err != nil {
		// Nothing owns the name, or the bus could not start the daemon
		// its activation file names (one that needs a display, say).
		var derr dbus.Error
		if errors.As(err, &derr) && (derr.Name == "org.freedesktop.DBus.Error.ServiceUnknown" ||
			strings.HasPrefix(derr.Name, "org.freedesktop.DBus.Error.Spawn.")) {
			return nil, fmt.Errorf("%w (%s)", ErrNoServer, derr.Name)
		}
		return nil, fmt.Errorf("notification server capabilities: %w", err)
	}
	f := &Freedesktop{
		conn: conn, app: app, icon: icon,
		actions: slices.Contains(caps, "actions"),
		pending: make(map[uint32][]Action),
		signals: make(chan *dbus.Signal, 16),
		done:    make(chan struct{}),
	}
	if f.actions {
		err := conn.AddMatchSignalContext(ctx, dbus.WithMatchObjectPath(fdoPath), dbus.WithMatchInterface(fdoInterface))
		if err != nil {
			return nil, fmt.Errorf("listen for notification actions: %w", err)
		}
		conn.Signal(f.signals)
		go f.listen()
	} else {
		close(f.done) // nothing to listen for
	}
	return f, nil
}

// ConnectFreedesktop opens a private connection to the session bus for
// NewFreedesktop; ctx bounds the set-up only, the connection lives until
// Close.
func ConnectFreedesktop(ctx context.Context, app, icon string) (*Freedesktop, error) {
	conn, err := dbus.ConnectSessionBus() // dbus.WithContext would close it with ctx
	if err != nil {
		return nil, fmt.Errorf("connect to the session bus: %w", err)
	}
	f, err := NewFreedesktop(ctx, conn, app, icon)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return f, nil
}

func (f *Freedesktop) Actions() bool { return f.actions }

// Send calls Notify. Actions are sent only when the server draws them.
func (f *Freedesktop) Send(ctx context.Context, n Notification) (ID, error) {
	var acts []string
	if f.actions {
		for _, a := range n.Actions {
			acts = append(acts, a.Key, a.Label)
		}
	}
	timeout := int32(-1) // the server's default
	switch {
	case n.Timeout == Persistent:
		timeout = 0
	case n.Timeout > 0:
		timeout = int32(min(n.Timeout, time.Hour) / time.Millisecond)
	}
	var id uint32
	err := f.conn.Object(fdoName, fdoPath).CallWithContext(ctx, fdoInterface+".Notify", 0,
		f.app, uint32(n.Replaces), f.icon, n.Title, n.Body, acts, map[string]dbus.Variant{}, timeout).Store(&id)
	if err != nil {
		return 0, fmt.Errorf("send notification: %w", err)
	}
	f.mu.Lock()
	delete(f.pending, uint32(n.Replaces))
	if len(acts) > 0 {
		f.pending[id] = n.Actions
	}
	f.mu.Unlock()
	return ID(id), nil
}

// Withdraw calls CloseNotification.
func (f *Freedesktop) Withdraw(ctx context.Context, id ID) error {
	f.mu.Lock()
	delete(f.pending, uint32(id))
	f.mu.Unlock()
	err := f.conn.Object(fdoName, fdoPath).CallWithContext(ctx, fdoInterface+".CloseNotification", 0, uint32(id)).Err
	if err != nil {
		return fmt.Errorf("withdraw notification: %w", err)
	}
	return nil
}

// listen runs actions as the server reports them; it ends when Close
// closes the connection, which closes the signal channel.
func (f *Freedesktop) listen() {
	defer close(f.done)
	for sig := range f.signals {
		switch sig.Name {
		case fdoInterface + ".ActionInvoked":
			var id uint32
			var key string
			if dbus.Store(sig.Body, &id, &key) != nil {
				continue
			}
			if run := f.action(id, key); run != nil {
				run()
			}
		case fdoInterface + ".NotificationClosed":
			var id, reason uint32
			if dbus.Store(sig.Body, &id, &reason) == nil {
				f.mu.Lock()
				delete(f.pending, id)
				f.mu.Unlock()
			}
		}
	}
}

// action finds what to run for key on notification id.
func (f *Freedesktop) action(id uint32, key string) func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.pending[id] {
		if a.Key == key {
			return a.Run
		}
	}
	return nil
}

// Close stops listening and closes the connection.
func (f *Freedesktop) Close() error {
	err := f.conn.Close() // closes the signal channel
	<-f.done
	return err
}
