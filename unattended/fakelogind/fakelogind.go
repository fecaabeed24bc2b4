// Package fakelogind is a stand-in for systemd-logind on a private bus,
// for tests: it records Inhibit, Suspend and PowerOff calls and tells
// when an inhibitor's file descriptor is closed by its holder.
package fakelogind

import (
	"fmt"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"haul/internal/testbus"
)

// StartBus runs a private dbus-daemon for the test (testbus.Start) and
// returns its address; the daemon ends with the test.
func StartBus(t testing.TB) string { return testbus.Start(t) }

// Call is one call logind received.
type Call struct {
	Method string
	Args   []any
}

// Lock is one inhibitor lock handed out.
type Lock struct {
	Args []string // what, who, why, mode
	// Released is closed when every copy of the lock's descriptor held
	// outside the fake is closed (after DropOwn).
	Released <-chan struct{}

	mu    sync.Mutex
	write *os.File // the fake's own copy of the descriptor it sent
}

// DropOwn closes the fake's copy of the lock's descriptor. Call it once
// the holder has the lock (its Inhibit call returned): from then on the
// lock is released exactly when the holder closes its copy.
func (l *Lock) DropOwn() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.write != nil {
		l.write.Close()
		l.write = nil
	}
}

// Held reports whether some copy of the descriptor is still open.
func (l *Lock) Held() bool {
	select {
	case <-l.Released:
		return false
	default:
		return true
	}
}

// Logind owns org.freedesktop.login1 on a bus.
type Logind struct {
	conn *dbus.Conn

	mu    sync.Mutex
	calls []Call
	locks []*Lock
	// Changed is poked after every call.
	Changed chan struct{}
	// Fail makes Suspend and PowerOff answer with this error when set.
	Fail *dbus.Error
}

// Start connects to the bus at addr and owns logind's name there.
func Start(t testing.TB, addr string) *Logind {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatalf("connect to the test bus: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	l := &Logind{conn: conn, Changed: make(chan struct{}, 1)}
	if err := conn.Export(manager{l}, "/org/freedesktop/login1", "org.freedesktop.login1.Manager"); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName("org.freedesktop.login1", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own org.freedesktop.login1: %v (reply %d)", err, reply)
	}
	t.Cleanup(func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		for _, k := range l.locks {
			k.DropOwn()
		}
	})
	return l
}

// Calls returns the calls so far.
func (l *Logind) Calls() []Call {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Call(nil), l.calls...)
}

// Locks returns the inhibitor locks handed out so far.
func (l *Logind) Locks() []*Lock {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*Lock(nil), l.locks...)
}

// WaitCalls waits until n calls arrived.
func (l *Logind) WaitCalls(t testing.TB, n int, timeout time.Duration) []Call {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if c := l.Calls(); len(c) >= n {
			return c
		}
		select {
		case <-l.Changed:
		case <-deadline:
			t.Fatalf("logind got %v, want %d calls", l.Calls(), n)
		}
	}
}

func (l *Logind) record(c Call, lock *Lock) {
	l.mu.Lock()
	l.calls = append(l.calls, c)
	if lock != nil {
		l.locks = append(l.locks, lock)
	}
	l.mu.Unlock()
	select {
	case l.Changed <- struct{}{}:
	default:
	}
}

// manager is the exported org.freedesktop.login1.Manager.
type manager struct{ l *Logind }

func (m manager) Inhibit(what, who, why, mode string) (dbus.UnixFD, *dbus.Error) {
	r, w, err := os.Pipe()
	if err != nil {
		return -1, dbus.MakeFailedError(err)
	}
	released := make(chan struct{})
	lock := &Lock{Args: []string{what, who, why, mode}, Released: released, write: w}
	go func() {
		// Read ends (EOF) once no copy of the write end is left open.
		_, _ = io.Copy(io.Discard, r)
		r.Close()
		close(released)
	}()
	fd := dbus.UnixFD(w.Fd()) // before the test can see the lock and close w
	m.l.record(Call{Method: "Inhibit", Args: []any{what, who, why, mode}}, lock)
	return fd, nil
}

func (m manager) Suspend(interactive bool) *dbus.Error {
	m.l.record(Call{Method: "Suspend", Args: []any{interactive}}, nil)
	return m.l.failure()
}

func (m manager) PowerOff(interactive bool) *dbus.Error {
	m.l.record(Call{Method: "PowerOff", Args: []any{interactive}}, nil)
	return m.l.failure()
}

func (l *Logind) failure() *dbus.Error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.Fail
}

// String describes a call for test messages.
func (c Call) String() string { return fmt.Sprintf("%s%v", c.Method, c.Args) }
