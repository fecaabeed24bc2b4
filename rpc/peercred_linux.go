package rpc

import (
	"fmt"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// peerCred is the user and process at the other end of a Unix socket
// (SO_PEERCRED: taken when the connection was made, not forgeable).
func peerCred(c net.Conn) (uid, pid int, err error) {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return 0, 0, fmt.Errorf("not a Unix socket")
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return 0, 0, err
	}
	var cred *unix.Ucred
	var gerr error
	if err := raw.Control(func(fd uintptr) {
		cred, gerr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return 0, 0, err
	}
	if gerr != nil {
		return 0, 0, fmt.Errorf("peer credentials: %w", gerr)
	}
	return int(cred.Uid), int(cred.Pid), nil
}

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
func checkClient(c net.Conn) error {
	uid, _, err := peerCred(c)
	if err != nil {
		return err
	}
	if uid != os.Getuid() {
		return errNotOurs("user", uid, os.Getuid())
	}
	return nil
}
