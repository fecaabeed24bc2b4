package downloader

import (
	"context"
	"testing"
	"time"

	"haul/downloader/testserver"
)

// BenchmarkSpeedLimit10s downloads for about ten seconds under a global
// limit and, separately, a per-task limit, and reports the rate reached
// as a fraction of the limit (target: within 5%).
func BenchmarkSpeedLimit10s(b *testing.B) {
	const limit = 2 << 20
	for _, tc := range []struct {
		name   string
		global bool
	}{{"global", true}, {"per-task", false}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				f := testserver.File{Size: 10 * limit, Seed: 5}
				srv := testserver.New(testserver.WithFile("/f", f))
				m, err := Open(context.Background(), Config{Store: newMemStore(), DefaultFolder: b.TempDir()})
				if err != nil {
					b.Fatal(err)
				}
				req := Request{URL: srv.URL("/f"), Options: Options{Connections: 8}}
				if tc.global {
					st := m.Settings()
					st.GlobalLimit = limit
					if err := m.SetSettings(st); err != nil {
						b.Fatal(err)
					}
				} else {
					req.SpeedLimit = limit
				}
				start := time.Now()
				ids, err := m.Add(context.Background(), req)
				if err != nil {
					b.Fatal(err)
				}
				events, stop := m.Subscribe()
				for ev := range events {
					if ev.Task.ID == ids[0] && (ev.Task.State == StateCompleted || ev.Task.State == StateFailed) {
						break
					}
				}
				stop()
				rate := float64(f.Size) / time.Since(start).Seconds()
				b.ReportMetric(rate/limit, "x-limit")
				m.Close()
				srv.Close()
			}
		})
	}
}
