package downloader

import (
	"slices"
	"time"
)

// The request-to-first-byte delay (pathdelay.go) also holds the server's
// time to start an answer, and sixteen answers started at once (a jump,
// jumpLocked) come late on any path. The kernel keeps a receive-side
// round-trip estimate for every TCP connection while its answer streams
// in (Linux: TCP_INFO tcpi_rcv_rtt, measured from the timestamps the
// sender echoes, RFC 7323 section 4), which a busy server does not
// delay; it may overrule the first bytes' queue (pathDelay.queueing).

// flightSample is one pass over the connections in flight: the median
// of their receive-side round trips and the shortest; 0 = none reported
// (no socket known, another system, or timestamps off).
func flightSample(rtts []time.Duration) (median, shortest time.Duration) {
	rtts = slices.DeleteFunc(rtts, func(d time.Duration) bool { return d <= 0 })
	if len(rtts) == 0 {
		return 0, 0
	}
	slices.Sort(rtts)
	return rtts[len(rtts)/2], rtts[0]
}

// readRcvRTT reads a socket's estimate; a variable so tests can feed it.
var readRcvRTT = receiverRTT

// sampleFlightLocked reads the receive-side round trip of every
// connection with a request in flight into the path's delay: on each
// ramp tick (pathFullLocked), and on the checkpoint tick, so the straggler
// check, the ramp's re-probe and the split policy read a current answer
// after the ramp settled too. Under t.mu; one system call per connection.
func (r *run) sampleFlightLocked() {
	rtts := r.flightBuf[:0]
	for _, p := range r.t.pieces {
		if p.conn == nil || p.conn.sock == nil {
			continue
		}
		if d, ok := readRcvRTT(p.conn.sock); ok {
			rtts = append(rtts, d)
		}
	}
	r.flightBuf = rtts
	r.delay.addFlight(flightSample(rtts))
}
