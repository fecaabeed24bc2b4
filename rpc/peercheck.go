//go:build linux || darwin

package rpc

import (
	"errors"
	"net"
	"os"
)

// checkPeer proves the listener at the other end is this user's process
// pid (any of the user's processes when pid is 0).
func checkPeer(c net.Conn, pid int) error {
	uid, ppid, err := peerCred(c)
	if err != nil {
		return err
	}
	if uid != os.Getuid() {
		return errNotOurs("user", uid, os.Getuid())
	}
	if pid > 0 && ppid != pid {
		return errNotOurs("process", ppid, pid)
	}
	return nil
}

// checkClient accepts a connection only from a process of this user.
func checkClient(c net.Conn) error { return checkPeer(c, 0) }

// controlUnix runs fn on the descriptor of the Unix socket c.
func controlUnix(c net.Conn, fn func(fd int)) error {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return errors.New("not a Unix socket")
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return err
	}
	return raw.Control(func(fd uintptr) { fn(int(fd)) })
}
