package downloader

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"haul/downloader/testserver"
)

// TestLowWaterMarkEndsRequests downloads over throttled connections,
// whose rate sets marks, in bounded requests on kept-alive connections.
// Every answer must drop its mark before its body ends, also when the
// server answers less than the range asked: a mark left set holds the
// body's last bytes, and the next answer's headers on that connection,
// until the stall watchdog. That watchdog is set beyond the test's wait,
// so a held read fails the test instead of slowing it.
func TestLowWaterMarkEndsRequests(t *testing.T) {
	ftShortStall(t, time.Hour)
	var mu sync.Mutex
	var raised, lowered int
	old := setMark
	setMark = func(raw syscall.RawConn, mark int) error {
		mu.Lock()
		if mark > 1 {
			raised++
		} else {
			lowered++
		}
		mu.Unlock()
		return old(raw, mark)
	}
	t.Cleanup(func() { setMark = old })

	cases := []struct {
		name string
		opts []testserver.Option
	}{
		{"bodies as asked", nil},
		// Answers of 300 KiB to requests of a MiB or more: the mark
		// must follow the body's length, not the range asked.
		{"shorter honest answers", []testserver.Option{testserver.WithLiar(testserver.Liar{MaxRange: 300 << 10})}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mu.Lock()
			raised, lowered = 0, 0
			mu.Unlock()
			// At 500 KiB/s the server writes 15.6 KiB at a time and each
			// connection reads under a 16 KiB mark: a body's last write
			// is less. Each connection's range (2 MiB) takes more than
			// one request.
			f := testserver.File{Size: 8<<20 + 777, Seed: 11}
			// Linux wakes a reader at any amount while the receive window
			// is under a segment, and loopback's segments are 64 KiB: the
			// server sends a real path's 1448-byte segments, so the mark
			// holds as there.
			lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
				var serr error
				err := c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_MAXSEG, 1448) })
				return errors.Join(err, serr)
			}}
			ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			opts := append([]testserver.Option{testserver.WithListener(ln), testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(500 << 10)}, c.opts...)
			srv := testserver.New(opts...)
			defer srv.Close()
			dir := t.TempDir()
			m := openTest(t, newMemStore(), dir, nil)
			downloadWhole(t, m, Request{URL: srv.URL("/f.bin"), Options: Options{Connections: 4}}, filepath.Join(dir, "f.bin"), f)
			mu.Lock()
			defer mu.Unlock()
			if raised == 0 {
				t.Fatal("no connection read under a mark: the test shows nothing")
			}
			if lowered < raised/2 {
				t.Errorf("marks raised %d times, lowered %d: answers ended under a mark", raised, lowered)
			}
			bodies := map[string]int{}
			for _, b := range srv.Stats().Bodies {
				bodies[b.Conn]++
			}
			if len(bodies) == 0 || len(srv.Stats().Bodies) <= len(bodies) {
				t.Errorf("%d bodies on %d connections: no request followed another on its connection", len(srv.Stats().Bodies), len(bodies))
			}
		})
	}
}
