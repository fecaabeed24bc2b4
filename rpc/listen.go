package rpc

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
)

// listen opens the server's sockets. Loopback-only means both 127.0.0.1
// and ::1: clients that resolve "localhost" to ::1 first (many browsers
// and Node) must reach Haul, not fail or, worse, find another program
// that took [::1]:port. A machine without IPv6 listens on 127.0.0.1 only.
// port 0 picks a free port, the same on both addresses.
func listen(allowRemote bool, port int) ([]net.Listener, error) {
	if allowRemote {
		ln, err := net.Listen("tcp", ":"+strconv.Itoa(port))
		if err != nil {
			return nil, listenError(port, err)
		}
		return []net.Listener{ln}, nil
	}
	const tries = 5 // a free port on 127.0.0.1 may be taken on ::1
	var last error
	for range tries {
		v4, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			return nil, listenError(port, err)
		}
		got := v4.Addr().(*net.TCPAddr).Port
		v6, err := net.Listen("tcp", net.JoinHostPort("::1", strconv.Itoa(got)))
		switch {
		case err == nil:
			return []net.Listener{v4, v6}, nil
		case !inUse(err):
			// No IPv6 loopback on this machine.
			return []net.Listener{v4}, nil
		}
		v4.Close()
		last = err
		if port != 0 {
			break
		}
	}
	return nil, listenError(port, last)
}

func inUse(err error) bool {
	return errors.Is(err, syscall.EADDRINUSE) || isAddrInUse(err)
}

// PortInUseError is Start's error when another program listens on Port;
// it matches ErrPortInUse, and front ends word it with the port.
type PortInUseError struct{ Port int }

func (e *PortInUseError) Error() string {
	return fmt.Sprintf("%v: port %d (choose another port for remote control in Settings)", ErrPortInUse, e.Port)
}

func (e *PortInUseError) Unwrap() error { return ErrPortInUse }

func listenError(port int, err error) error {
	if inUse(err) {
		return &PortInUseError{Port: port}
	}
	return fmt.Errorf("RPC server cannot listen on port %d: %w", port, err)
}

// isAddrInUse catches the Windows spelling (WSAEADDRINUSE).
func isAddrInUse(err error) bool {
	return strings.Contains(strings.ToLower(err.Error()), "address already in use") ||
		strings.Contains(strings.ToLower(err.Error()), "only one usage of each socket address")
}
