package downloader

import (
	"bytes"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// TestReceiverRTTLoopback: a loopback connection that received a few
// megabytes with timestamps on reports a round trip, and a short one.
func TestReceiverRTTLoopback(t *testing.T) {
	if b, err := os.ReadFile("/proc/sys/net/ipv4/tcp_timestamps"); err != nil || bytes.TrimSpace(b)[0] == '0' {
		t.Skip("TCP timestamps are off on this system")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		s, err := ln.Accept()
		if err != nil {
			return
		}
		defer s.Close()
		_, _ = s.Write(make([]byte, 8<<20))
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.Copy(io.Discard, c); err != nil {
		t.Fatal(err)
	}
	raw, ok := socketOf(c)
	if !ok {
		t.Fatal("no socket under a TCP connection")
	}
	d, ok := receiverRTT(raw)
	if !ok || d <= 0 || d > time.Second {
		t.Fatalf("receiverRTT = %v, %v; want a loopback round trip", d, ok)
	}
}
