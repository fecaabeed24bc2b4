package rpc

import (
	"fmt"
	"net"

	"golang.org/x/sys/unix"
)

// peerCred is the user and process at the other end of a Unix socket
// (SO_PEERCRED: taken when the connection was made, not forgeable).
func peerCred(c net.Conn) (uid, pid int, err error) {
	var gerr error
	err = controlUnix(c, func(fd int) {
		var cred *unix.Ucred
		if cred, gerr = unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED); gerr == nil {
			uid, pid = int(cred.Uid), int(cred.Pid)
		}
	})
	if err == nil && gerr != nil {
		err = fmt.Errorf("peer credentials: %w", gerr)
	}
	return uid, pid, err
}
