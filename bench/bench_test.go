package main

import (
	"math"
	"testing"
	"time"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"8M": 8 << 20, "128MiB": 128 << 20, "256mb": 256 << 20, "1G": 1 << 30, "4096": 4096, "64k": 64 << 10} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "x", "-1M", "1.5G"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) succeeded", in)
		}
	}
}

func TestMedian(t *testing.T) {
	if m := median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("odd median %v", m)
	}
	if m := median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("even median %v", m)
	}
	if m := median(nil); m != 0 {
		t.Errorf("empty median %v", m)
	}
}

func TestShaperDelayOnly(t *testing.T) {
	s := newShaper(wanConfig{RTT: 50 * time.Millisecond}, 1)
	now := time.Unix(1000, 0)
	for i := range 100 {
		v, due := s.admit(now.Add(time.Duration(i)*time.Microsecond), 1500)
		if v != pass || due.Sub(now.Add(time.Duration(i)*time.Microsecond)) != 25*time.Millisecond {
			t.Fatalf("packet %d: verdict %v due %v", i, v, due)
		}
	}
}

func TestShaperLossRate(t *testing.T) {
	s := newShaper(wanConfig{RTT: time.Millisecond, Loss: 0.005}, 7)
	now := time.Unix(1000, 0)
	lostN := 0
	const n = 400000
	for range n {
		if v, _ := s.admit(now, 100); v == lost {
			lostN++
		}
	}
	if p := float64(lostN) / n; math.Abs(p-0.005) > 0.001 {
		t.Errorf("loss rate %v, want ~0.005", p)
	}
}

func TestShaperRateAndQueue(t *testing.T) {
	// 1 MB/s, 10 kB queue, 10 ms one way.
	s := newShaper(wanConfig{RTT: 20 * time.Millisecond, Rate: 1_000_000, Queue: 10_000}, 1)
	now := time.Unix(1000, 0)
	// A burst at one instant: each 1000-byte packet takes 1 ms to send;
	// the queue holds 10 of them, the rest are dropped.
	var passed, dropped int
	var last time.Time
	for range 20 {
		v, due := s.admit(now, 1000)
		switch v {
		case pass:
			passed++
			last = due
		case overflow:
			dropped++
		}
	}
	if passed != 10 || dropped != 10 {
		t.Fatalf("passed %d dropped %d, want 10/10", passed, dropped)
	}
	if want := now.Add(10*time.Millisecond + 10*time.Millisecond); !last.Equal(want) {
		t.Errorf("last delivery %v after start, want %v", last.Sub(now), want.Sub(now))
	}
	// Once drained, a packet goes through with only its own send time.
	later := now.Add(time.Second)
	if v, due := s.admit(later, 1000); v != pass || due.Sub(later) != 11*time.Millisecond {
		t.Errorf("after drain: %v, %v", v, due.Sub(later))
	}
}

// TestTCPPayloadLen: the TCP payload of an IPv4 packet is its total
// length less both headers (options included); anything else is 0.
func TestTCPPayloadLen(t *testing.T) {
	packet := func(version, proto byte, ihlWords, tcpWords, total, buf int) []byte {
		p := make([]byte, buf)
		p[0] = version<<4 | byte(ihlWords)
		p[2], p[3] = byte(total>>8), byte(total)
		p[9] = proto
		if ihlWords*4+12 < buf {
			p[ihlWords*4+12] = byte(tcpWords) << 4
		}
		return p
	}
	cases := []struct {
		name string
		p    []byte
		want int
	}{
		{"a full segment with timestamps", packet(4, 6, 5, 8, 1500, 1500), 1448},
		{"an ACK", packet(4, 6, 5, 8, 52, 52), 0},
		{"IP options", packet(4, 6, 6, 5, 1000, 1000), 956},
		{"UDP", packet(4, 17, 5, 5, 1500, 1500), 0},
		{"IPv6", packet(6, 6, 5, 5, 1500, 1500), 0},
		{"a total past the buffer", packet(4, 6, 5, 5, 1600, 1500), 0},
		{"too short", []byte{0x45, 0}, 0},
	}
	for _, c := range cases {
		if got := tcpPayloadLen(c.p); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}
