package rpc

import (
	"fmt"
	"net"

	"golang.org/x/sys/unix"
)

// peerCred is the user (LOCAL_PEERCRED) and process (LOCAL_PEERPID) at
// the other end of a Unix socket.
func peerCred(c net.Conn) (uid, pid int, err error) {
	var gerr error
	err = controlUnix(c, func(fd int) {
		var x *unix.Xucred
		if x, gerr = unix.GetsockoptXucred(fd, unix.SOL_LOCAL, unix.LOCAL_PEERCRED); gerr != nil {
			return
		}
		uid = int(x.Uid)
		pid, gerr = unix.GetsockoptInt(fd, unix.SOL_LOCAL, unix.LOCAL_PEERPID)
	})
	if err == nil && gerr != nil {
		err = fmt.Errorf("peer credentials: %w", gerr)
	}
	return uid, pid, err
}
