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

// linkTrace is what the emulated link delivered to the client during a
// run, per deliveryBin from t0 (zero when the scenario has no link).
type linkTrace struct {
	t0   time.Time
	bins []int64
}

// writeTrace writes one run's timeline for diagnosis: every body the
// server sent (connection, range, began/ended in seconds from the tool's
// start, bytes), then per 100 ms bucket the bytes sent (spread evenly over
// each body's life) and, on an emulated link, the bytes the link
// delivered. It shows gaps between requests, the ramp and the tail; the
// link's column shows when the bottleneck sat idle.
func writeTrace(dir string, sc *scenario, t tool, round int, bodies []testserver.BodySpan, rr runResult, link linkTrace) error {
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
	ran := time.Duration(rr.Secs * float64(time.Second))
	if !rr.Exit.IsZero() {
		t0 = rr.Exit.Add(-ran)
		fmt.Fprintf(w, "# tool started at 0, first body at %.3f s, exit at %.3f s\n", bodies[0].Began.Sub(t0).Seconds(), rr.Secs)
	}
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
	n := int(max(last.Sub(t0), ran)/bucket) + 1
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
	delivered := make([]int64, n)
	for i, v := range link.bins {
		at := link.t0.Add(time.Duration(i) * deliveryBin).Sub(t0)
		if k := int(at / bucket); k >= 0 && k < n {
			delivered[k] += v
		}
	}
	fmt.Fprintf(w, "# second sent-MiB/s bodies-active link-MiB/s\n")
	for i := range rate {
		fmt.Fprintf(w, "%5.1f %8.2f %4d %8.2f\n", float64(i)*bucket.Seconds(), rate[i]/bucket.Seconds()/(1<<20), active[i], float64(delivered[i])/bucket.Seconds()/(1<<20))
	}
	writeLinkTail(w, link, t0)
	return w.Flush()
}

// linkTailSecs is how much of the link's end writeLinkTail shows.
const linkTailSecs = 0.4

// writeLinkTail writes the last linkTailSecs of the link's deliveries in
// its own bins (deliveryBin): the 100 ms buckets above hide whether the
// last bytes trickled in or the link stayed full to the end.
func writeLinkTail(w *bufio.Writer, link linkTrace, t0 time.Time) {
	last := len(link.bins) - 1
	for last >= 0 && link.bins[last] == 0 {
		last--
	}
	if last < 0 {
		return
	}
	first := max(0, last-int(linkTailSecs/deliveryBin.Seconds())+1)
	fmt.Fprintf(w, "# link's last %.1f s: second link-MiB/s\n", linkTailSecs)
	for i := first; i <= last; i++ {
		at := link.t0.Add(time.Duration(i) * deliveryBin).Sub(t0)
		fmt.Fprintf(w, "%6.2f %8.2f\n", at.Seconds(), float64(link.bins[i])/deliveryBin.Seconds()/(1<<20))
	}
}
