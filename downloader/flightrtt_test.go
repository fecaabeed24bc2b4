package downloader

import (
	"net"
	"syscall"
	"testing"
	"time"
)

// fakeSocket stands in for a connection's socket; readRcvRTT is fed.
type fakeSocket struct{ rtt time.Duration }

func (fakeSocket) Control(func(uintptr)) error             { return nil }
func (fakeSocket) Read(func(uintptr) bool) error           { return nil }
func (fakeSocket) Write(func(fd uintptr) bool) error       { return nil }
func (s fakeSocket) rcvRTT() (time.Duration, bool)         { return s.rtt, s.rtt > 0 }
func fakeRcvRTT(raw syscall.RawConn) (time.Duration, bool) { return raw.(fakeSocket).rcvRTT() }

// feedRcvRTT gives r's task connections in flight whose sockets report
// the round trips rtts (0 = none reported), for the rest of the test.
func feedRcvRTT(t *testing.T, r *run, rtts ...time.Duration) {
	t.Helper()
	prev := readRcvRTT
	readRcvRTT = fakeRcvRTT
	t.Cleanup(func() { readRcvRTT = prev })
	for i, d := range rtts {
		c := newConn()
		c.sock = fakeSocket{rtt: d}
		r.t.pieces = append(r.t.pieces, &piece{Segment: Segment{Start: int64(i) << 20, End: int64(i+1) << 20}, conn: c})
	}
}

// TestQueueingInFlight: the first-byte samples show the queue; the
// round trips the connections in flight report, when known, may
// overrule them but never show one alone.
func TestQueueingInFlight(t *testing.T) {
	const ms = time.Millisecond
	queuedFirst := []time.Duration{50 * ms, 70 * ms, 70 * ms, 70 * ms, 70 * ms}
	cases := []struct {
		name       string
		firstBytes []time.Duration // request-to-first-byte samples
		passes     [][]time.Duration
		want       bool
	}{
		{"no samples: no queue", nil, nil, false},
		{"first bytes alone show a queue", queuedFirst, nil, true},
		{"first bytes and the connections in flight agree", queuedFirst, [][]time.Duration{{50 * ms, 51 * ms}, {62 * ms, 63 * ms, 64 * ms}}, true},
		{"answers started at once came late, the path does not queue", queuedFirst, [][]time.Duration{{50 * ms}, {52 * ms, 53 * ms}}, false},
		{"in flight it grew by less than the threshold", queuedFirst, [][]time.Duration{{50 * ms}, {55 * ms, 57 * ms, 58 * ms}}, false},
		{"a sender's pauses between bursts count as round trip: first bytes prompt", []time.Duration{50 * ms, 51 * ms, 51 * ms, 51 * ms}, [][]time.Duration{{50 * ms}, {90 * ms, 95 * ms, 100 * ms}}, false},
		{"none in flight now: the first bytes decide", queuedFirst, [][]time.Duration{{50 * ms}, {0, 0}}, true},
		{"the median, not one connection's retransmit", queuedFirst, [][]time.Duration{{50 * ms}, {50 * ms, 51 * ms, 250 * ms}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d pathDelay
			for _, s := range c.firstBytes {
				d.add(s)
			}
			for _, pass := range c.passes {
				d.addFlight(flightSample(append([]time.Duration(nil), pass...)))
			}
			if got := d.queueing(time.Time{}); got != c.want {
				t.Fatalf("queueing() = %v, want %v (flight %v, shortest %v)", got, c.want, d.flight, d.flightMin)
			}
		})
	}
}

// TestSampleFlight: a pass reads every connection with a socket, skips
// those that report none, and keeps the shortest of the run.
func TestSampleFlight(t *testing.T) {
	const ms = time.Millisecond
	r := &run{t: &task{}}
	feedRcvRTT(t, r, 60*ms, 0, 64*ms, 70*ms)
	r.t.pieces = append(r.t.pieces, &piece{Segment: Segment{Start: 4 << 20, End: 5 << 20}, conn: newConn()}) // between requests
	r.sampleFlightLocked()
	if r.delay.flight != 64*ms || r.delay.flightMin != 60*ms {
		t.Fatalf("flight %v shortest %v, want 64ms 60ms", r.delay.flight, r.delay.flightMin)
	}
	for _, p := range r.t.pieces {
		if p.conn.sock != nil {
			p.conn.sock = fakeSocket{rtt: 80 * ms}
		}
	}
	r.sampleFlightLocked()
	if r.delay.flight != 80*ms || r.delay.flightMin != 60*ms {
		t.Fatalf("second pass: flight %v shortest %v, want 80ms 60ms", r.delay.flight, r.delay.flightMin)
	}
}

// TestReceiverRTTClosed: a closed socket reports nothing (its descriptor
// may already belong to another file).
func TestReceiverRTTClosed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := socketOf(c)
	if !ok {
		t.Fatal("no socket under a TCP connection")
	}
	c.Close()
	if d, ok := receiverRTT(raw); ok {
		t.Fatalf("closed socket reported %v", d)
	}
}
