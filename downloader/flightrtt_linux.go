package downloader

import (
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// tcpiOptTimestamps is TCPI_OPT_TIMESTAMPS of linux/tcp.h: the connection
// carries TCP timestamps (RFC 7323).
const tcpiOptTimestamps = 1

// receiverRTT is the kernel's receive-side round-trip estimate of a TCP
// socket (tcp(7) TCP_INFO, tcpi_rcv_rtt, microseconds): a running
// average that follows a rise by an eighth per sample and a fall at
// once. ok is false when the socket is closed, reports none yet, or
// carries no timestamps: the kernel then keeps only the shortest round
// trip it saw (a window's worth at a time), which never shows a queue.
func receiverRTT(raw syscall.RawConn) (d time.Duration, ok bool) {
	var info *unix.TCPInfo
	var serr error
	err := raw.Control(func(fd uintptr) {
		info, serr = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
	})
	if err != nil || serr != nil || info.Options&tcpiOptTimestamps == 0 || info.Rcv_rtt == 0 {
		return 0, false
	}
	return time.Duration(info.Rcv_rtt) * time.Microsecond, true
}
