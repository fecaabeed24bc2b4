package downloader

import "syscall"

// setRcvLowat sets SO_RCVLOWAT (socket(7)); Linux wakes a reader, and
// epoll reports the socket readable, only once mark bytes are queued (or
// the peer closed), and re-checks at once when the mark is lowered.
func setRcvLowat(raw syscall.RawConn, mark int) error {
	var serr error
	err := raw.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVLOWAT, mark)
	})
	if err != nil {
		return err
	}
	return serr
}
