package downloader

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"haul/downloader/testserver"
)

func TestTraceThroughput(t *testing.T) {
	if os.Getenv("HAUL_TRACE") == "" {
		t.Skip()
	}
	f := testserver.File{Size: 128 << 20, Seed: 7}
	if v, err := strconv.ParseInt(os.Getenv("HAUL_TRACE_SIZE"), 10, 64); err == nil && v > 0 {
		f.Size = v
	}
	perConn := int64(2 << 20)
	if v, err := strconv.ParseInt(os.Getenv("HAUL_TRACE_RATE"), 10, 64); err == nil {
		perConn = max(v, 0) // 0 or less: unthrottled
	}
	opts := []testserver.Option{testserver.WithFile("/f", f), testserver.WithPerConnRate(perConn)}
	if n, err := strconv.Atoi(os.Getenv("HAUL_TRACE_SLOW_NTH")); err == nil && n > 0 {
		opts = append(opts, testserver.WithSlowConn(testserver.SlowConn{Nth: n, Rate: 256 << 10}))
	}
	srv := testserver.New(opts...)
	defer srv.Close()
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	start := time.Now()
	ids, _ := m.Add(context.Background(), Request{URL: srv.URL("/f")})
	var last int64
	for {
		time.Sleep(100 * time.Millisecond)
		s, _ := m.Get(ids[0])
		if os.Getenv("HAUL_TRACE_QUIET") == "" || s.Done == last || s.Connections < 16 {
			fmt.Printf("%5.2fs done=%6.1fMiB rate=%5.1fMiB/s conns=%2d segs=%d %s\n", time.Since(start).Seconds(), float64(s.Done)/(1<<20), float64(s.Done-last)*10/(1<<20), s.Connections, len(s.Segments), s.Phase)
		}
		if s.Connections > 0 && s.Connections <= 2 {
			for _, g := range s.Segments {
				if g.Start+g.Done < g.End {
					fmt.Printf("    seg %d-%d done %d left %d\n", g.Start, g.End, g.Done, g.End-g.Start-g.Done)
				}
			}
		}
		last = s.Done
		if s.State == StateCompleted || s.State == StateFailed {
			fmt.Println(s.State, s.Error, time.Since(start), "ideal", float64(f.Size)/float64(16*max(perConn, 1)))
			return
		}
	}
}
