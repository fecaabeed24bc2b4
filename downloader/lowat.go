package downloader

import (
	"crypto/tls"
	"net"
	"syscall"
	"time"
)

// A connection on a lossy or far path receives its stream a segment or
// two at a time, and each arrival woke Haul to read it: on a 50 ms path
// with 0.5 % loss, 32 connections made about 70,000 reads of 3.9 KB on
// average and as many wake-ups for 256 MiB. The socket's receive low-water
// mark (SO_RCVLOWAT, socket(7)) has the kernel hold the wake-up until a
// chunk worth reading has arrived. It is only safe while the answer still
// owes the socket that many bytes: past the end of a body nothing more
// comes, and a read waiting for more would wait for ever. So the mark is
// set only while the answer's body (its Content-Length, which a server
// may make shorter than the range asked) has more left to send than
// lowatSlack, the read about to be made and the mark together, and back
// to 1 for its last bytes, before the connection returns to the pool for
// the next request's headers.
const (
	// lowatMax is the highest mark (bytes): the half buffer a read of a
	// slow connection gathers anyway (readAtLeast).
	lowatMax = smallChunk / 2
	// lowatMin: below this a mark saves nothing.
	lowatMin = 2 << 10
	// lowatDelay is the longest a mark may hold bytes back at the
	// connection's rate (seconds): progress and rates stay current, and
	// a crawling connection is not held for seconds.
	lowatDelay = 0.05
	// lowatSlack is what the answer may have sent that the socket no
	// longer holds: the transport's read buffer (newTransport) and one
	// TLS record.
	lowatSlack = 64<<10 + 17<<10
)

// lowatFor is the receive low-water mark (bytes; 1 = none) for the next
// read of a body that still owes left bytes (-1 = unknown: chunked or to
// the end of a file of unknown length), at a connection rate (bytes/s),
// by a read that wants at least least bytes and takes at most most: the
// answer must still owe the socket the mark after that read took all it
// may.
func lowatFor(left int64, rate float64, least, most int) int {
	if left < 0 || rate <= 0 {
		return 1
	}
	mark := min(lowatMax, least, int(rate*lowatDelay))
	// Powers of two: the mark changes, and costs a system call, only when
	// the rate moves by half.
	p := lowatMin
	for p*2 <= mark {
		p *= 2
	}
	if mark < lowatMin || left < lowatSlack+int64(most)+int64(p) {
		return 1
	}
	return p
}

// setMark sets a socket's mark; a variable so tests can watch it.
var setMark = setRcvLowat

// lowatSocket sets the receive low-water mark of one TCP connection;
// the zero value (no socket known) does nothing.
type lowatSocket struct {
	raw  syscall.RawConn
	mark int // the mark set now; 0 or 1 = none
}

// socketOf is the system socket under c: the TCP connection itself, or
// the one under a TLS connection. ok is false for anything else (a test's
// pipe), which then gets no mark.
func socketOf(c net.Conn) (syscall.RawConn, bool) {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil, false
	}
	raw, err := sc.SyscallConn()
	return raw, err == nil
}

// set makes mark the socket's low-water mark when it differs from the
// one set. A socket that refuses keeps none: the reads only wake more.
func (s *lowatSocket) set(mark int) {
	if s.raw == nil || mark == s.mark || mark <= 1 && s.mark <= 1 {
		return
	}
	if setMark(s.raw, mark) != nil {
		s.raw = nil
		return
	}
	s.mark = mark
}

// forRead sets the mark for the next read of a request's body, which
// ends at bodyEnd (file offset; -1 = not known) and was read from start
// to at since began, by a read that wants least to most bytes
// (lowatFor). Without a socket it costs nothing, not even the clock.
func (s *lowatSocket) forRead(bodyEnd, start, at int64, began time.Time, least, most int) {
	if s.raw == nil {
		return
	}
	left := int64(-1)
	if bodyEnd >= 0 {
		left = bodyEnd - at
	}
	s.set(lowatFor(left, rateSince(at-start, began, time.Now()), least, most))
}

// rateSince is the bytes/s of n bytes since from; 0 when too short to say.
func rateSince(n int64, from, now time.Time) float64 {
	dt := now.Sub(from).Seconds()
	if from.IsZero() || dt < 0.05 {
		return 0
	}
	return float64(n) / dt
}
