package downloader

import (
	"testing"
	"time"
)

// TestConnPace: the scheduler expects a connection's lifetime rate, or
// its latest window's when that is slower and recent.
func TestConnPace(t *testing.T) {
	const MiB = 1 << 20
	now := time.Now()
	cases := []struct {
		name string
		win  paceWin
		want float64
	}{
		{"no window yet: the lifetime rate", paceWin{}, 16 * MiB},
		{"a slower recent window", paceWin{at: now.Add(-paceWindow / 2), bytes: 63 * MiB, rate: 2 * MiB}, 2 * MiB},
		{"a faster window does not raise it", paceWin{at: now, bytes: 64 * MiB, rate: 30 * MiB}, 16 * MiB},
		// Its last window ended three windows ago; it delivered at its
		// lifetime rate since.
		{"a stale window no longer counts", paceWin{at: now.Add(-3 * paceWindow), bytes: 16 * MiB, rate: 2 * MiB}, 16 * MiB},
		// Stalled for two windows: no window closed, its bytes did not grow.
		{"the window in progress shows a stall", paceWin{at: now.Add(-2 * paceWindow), bytes: 64 * MiB, rate: 8 * MiB}, 0},
		{"a window in progress shorter than a window does not count", paceWin{at: now.Add(-paceWindow / 2), bytes: 64 * MiB}, 16 * MiB},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn := newConn()
			conn.first, conn.bytes, conn.win = now.Add(-4*time.Second), 64*MiB, c.win
			if got := conn.pace(now); got != c.want {
				t.Fatalf("pace = %.0f, want %.0f", got, c.want)
			}
		})
	}
	var nilConn *conn
	if got := nilConn.pace(now); got != 0 {
		t.Fatalf("a nil connection's pace = %v, want 0", got)
	}
}

// TestNotePace: a window closes once paceWindow has passed, with the
// bytes that arrived in it.
func TestNotePace(t *testing.T) {
	const MiB = 1 << 20
	t0 := time.Now()
	c := newConn()
	c.bytes = 1 * MiB
	c.notePace(t0)
	c.bytes += 1 * MiB
	c.notePace(t0.Add(paceWindow / 2))
	if c.win.rate != 0 {
		t.Fatalf("a window closed after half its length: %v", c.win.rate)
	}
	c.bytes += 3 * MiB
	c.notePace(t0.Add(2 * paceWindow))
	if want := float64(4*MiB) / (2 * paceWindow).Seconds(); c.win.rate != want {
		t.Fatalf("window rate = %.0f, want %.0f", c.win.rate, want)
	}
	if !c.win.at.Equal(t0.Add(2*paceWindow)) || c.win.bytes != c.bytes {
		t.Fatalf("the next window starts at %v with %d bytes; want its end with %d", c.win.at, c.win.bytes, c.bytes)
	}
}

// TestPeakPace: a connection's peak is its fastest burstWindow, which
// shows a burst of slow start that its pace windows average away; a cut
// TCP connection (a new one next) starts measuring anew.
func TestPeakPace(t *testing.T) {
	const MiB = 1 << 20
	type read struct {
		at    time.Duration // since the first byte
		bytes int64
	}
	cases := []struct {
		name  string
		reads []read
		cut   bool // the TCP connection is cut after the reads
		want  float64
	}{
		{"a burst, then a slower second", []read{{0, 0}, {burstWindow, MiB}, {burstWindow + time.Second, MiB}}, false, 10 * MiB},
		{"no full window yet", []read{{0, 0}, {burstWindow / 2, MiB}}, false, 0},
		{"steady", []read{{0, 0}, {time.Second, MiB}, {2 * time.Second, MiB}}, false, MiB},
		{"a cut connection's next starts anew", []read{{0, 0}, {burstWindow, MiB}}, true, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t0 := time.Now()
			conn := newConn()
			for _, r := range c.reads {
				conn.bytes += r.bytes
				conn.notePace(t0.Add(r.at))
			}
			if c.cut {
				conn.forgetPeak()
				conn = conn.carry()
				conn.notePace(t0.Add(time.Hour))
			}
			if got := conn.peakPace(); got != c.want {
				t.Fatalf("peak = %.0f, want %.0f", got, c.want)
			}
			if next := conn.carry(); next.peakPace() != c.want {
				t.Fatalf("the same connection's next piece has peak %.0f, want %.0f", next.peakPace(), c.want)
			}
		})
	}
}

// TestEarlyPace: a connection too young for conn.rate is read by what it
// delivered since its first byte, once that spans the look asked for.
func TestEarlyPace(t *testing.T) {
	const KiB = 1 << 10
	now := time.Now()
	cases := []struct {
		name  string
		age   time.Duration // since its first byte; 0 = none yet
		bytes int64
		want  float64
	}{
		{"no byte yet", 0, 0, 0},
		{"shorter than the look", 10 * time.Millisecond, 16 * KiB, 0},
		{"young: its pace so far", 100 * time.Millisecond, 100 * KiB, 1000 * KiB},
		{"measured by conn.rate", time.Second, 1000 * KiB, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cn := newConn()
			if c.age > 0 {
				cn.first, cn.bytes = now.Add(-c.age), c.bytes
			}
			if got := cn.earlyPace(now, 20*time.Millisecond); got != c.want {
				t.Fatalf("earlyPace = %.0f, want %.0f", got, c.want)
			}
		})
	}
	var nilConn *conn
	if got := nilConn.earlyPace(now, 0); got != 0 {
		t.Fatalf("a nil connection's early pace = %v, want 0", got)
	}
}
