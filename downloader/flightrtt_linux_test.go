package downloader

import (
	"bytes"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
)

// TestReceiverRTTLoopback: a loopback connection that received a few
// megabytes with timestamps on reports a round trip, and a short one.
func TestReceiverRTTLoopback(t *testing.T) {
	c, raw := timestampedLoopback(t, func(s net.Conn) { _, _ = s.Write(make([]byte, 8<<20)) })
	if _, err := io.Copy(io.Discard, c); err != nil {
		t.Fatal(err)
	}
	d, ok := receiverRTT(raw)
	if !ok || d <= 0 || d > time.Second {
		t.Fatalf("receiverRTT = %v, %v; want a loopback round trip", d, ok)
	}
}

// TestBurstySenderIsNoQueue: a server that sends a connection its share
// in bursts (a limit per connection) echoes, in each burst, a timestamp
// from before its pause, so the kernel counts the pause as round trip.
// With the first bytes prompt, that is no queue: the count must not stop
// there.
func TestBurstySenderIsNoQueue(t *testing.T) {
	first := make(chan struct{})
	c, raw := timestampedLoopback(t, func(s net.Conn) {
		if _, err := s.Write(make([]byte, 1<<20)); err != nil {
			return
		}
		select {
		case <-first:
		case <-time.After(10 * time.Second): // the test ended early
			return
		}
		tick := time.NewTicker(40 * time.Millisecond)
		defer tick.Stop()
		for range 12 {
			<-tick.C
			if _, err := s.Write(make([]byte, 64<<10)); err != nil {
				return
			}
		}
	})
	if _, err := io.ReadFull(c, make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	var d pathDelay
	for range delaySamples {
		d.add(time.Millisecond) // the answers' first bytes: prompt
	}
	base, ok := receiverRTT(raw)
	if !ok {
		t.Fatal("no round trip after the first megabyte")
	}
	d.addFlight(base, base)
	close(first)
	if _, err := io.Copy(io.Discard, c); err != nil {
		t.Fatal(err)
	}
	paused, ok := receiverRTT(raw)
	if !ok || paused < base+10*time.Millisecond {
		t.Fatalf("round trip %v after the bursts, %v before; want the pauses in it", paused, base)
	}
	d.addFlight(paused, paused)
	if d.queueing(time.Time{}) {
		t.Fatalf("a bursty sender (round trip %v, %v before) taken for a queue", paused, base)
	}
}

// timestampedLoopback skips the test where TCP timestamps are off (the
// kernel then keeps no receive-side estimate worth reading) and returns
// a client connection to a loopback server that runs send on its side,
// with the client's socket.
func timestampedLoopback(t *testing.T, send func(net.Conn)) (net.Conn, syscall.RawConn) {
	t.Helper()
	if b, err := os.ReadFile("/proc/sys/net/ipv4/tcp_timestamps"); err != nil || bytes.TrimSpace(b)[0] == '0' {
		t.Skip("TCP timestamps are off on this system")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		s, err := ln.Accept()
		if err != nil {
			return
		}
		defer s.Close()
		send(s)
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	raw, ok := socketOf(c)
	if !ok {
		t.Fatal("no socket under a TCP connection")
	}
	return c, raw
}
