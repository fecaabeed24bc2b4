package rpc

import (
	"fmt"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// peerCred is the user (LOCAL_PEERCRED) and process (LOCAL_PEERPID) at
// the other end of a Unix socket.
func peerCred(c net.Conn) (uid, pid int, err error) {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return 0, 0, fmt.Errorf("not a Unix socket")
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return 0, 0, err
	}
	var gerr error
	if err := raw.Control(func(fd uintptr) {
		var x *unix.Xucred
		if x, gerr = unix.GetsockoptXucred(int(fd), unix.SOL_LOCAL, unix.LOCAL_PEERCRED); gerr != nil {
			return
		}
		uid = int(x.Uid)
		pid, gerr = unix.GetsockoptInt(int(fd), unix.SOL_LOCAL, unix.LOCAL_PEERPID)
	}); err != nil {
		return 0, 0, err
	}
	if gerr != nil {
		return 0, 0, fmt.Errorf("peer credentials: %w", gerr)
	}
	return uid, pid, nil
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
