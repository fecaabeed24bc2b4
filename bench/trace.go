package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"haul/downloader/testserver"
)

// writeTrace writes one run's timeline for diagnosis: every body the
// server sent (connection, range, began/ended in seconds from the first,
// bytes), then the bytes sent per 100 ms bucket, spread evenly over each
// body's life. It shows gaps between requests, the ramp and the tail.
func writeTrace(dir string, sc *scenario, t tool, round int, bodies []testserver.BodySpan) error {
	if len(bodies) == 0 {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%s-r%d.txt", sc.ID, t.Key, round+1)))
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	slices.SortFunc(bodies, func(a, b testserver.BodySpan) int { return a.Began.Compare(b.Began) })
	t0 := bodies[0].Began
	var last time.Time
	conns := map[string]int{}
	fmt.Fprintf(w, "# conn began ended seconds bytes planned range\n")
	for _, b := range bodies {
		id, ok := conns[b.Conn]
		if !ok {
			id = len(conns)
			conns[b.Conn] = id
		}
		fmt.Fprintf(w, "c%-3d %7.3f %7.3f %6.3f %10d %10d %s\n", id, b.Began.Sub(t0).Seconds(), b.Ended.Sub(t0).Seconds(), b.Ended.Sub(b.Began).Seconds(), b.Sent, b.Planned, b.Range)
		if b.Ended.After(last) {
			last = b.Ended
		}
	}
	const bucket = 100 * time.Millisecond
	n := int(last.Sub(t0)/bucket) + 1
	rate := make([]float64, n)
	active := make([]int, n)
	for _, b := range bodies {
		d := b.Ended.Sub(b.Began)
		for i := int(b.Began.Sub(t0) / bucket); i <= int(b.Ended.Sub(t0)/bucket) && i < n; i++ {
			active[i]++
			if d <= 0 {
				continue
			}
			lo := max(b.Began.Sub(t0), time.Duration(i)*bucket)
			hi := min(b.Ended.Sub(t0), time.Duration(i+1)*bucket)
			if hi > lo {
				rate[i] += float64(b.Sent) * float64(hi-lo) / float64(d)
			}
		}
	}
	fmt.Fprintf(w, "# second MiB/s bodies-active\n")
	for i := range rate {
		fmt.Fprintf(w, "%5.1f %8.2f %4d\n", float64(i)*bucket.Seconds(), rate[i]/bucket.Seconds()/(1<<20), active[i])
	}
	return w.Flush()
}
