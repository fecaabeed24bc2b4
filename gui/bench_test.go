package gui

import (
	"math/rand/v2"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"haul/downloader"
	"haul/internal/fakeengine"
)

// BenchmarkApplyProgress10k applies a batch of 100 progress updates to a
// window showing 10,000 tasks: the work of one bridge tick under load.
func BenchmarkApplyProgress10k(b *testing.B) {
	a := test.NewTempApp(b)
	tasks := benchTasks(10000)
	u := newUI(a, fakeengine.New(downloader.DefaultSettings("/tmp"), tasks...), Options{})
	defer u.Close()
	u.win.Resize(fyne.NewSize(1400, 900))
	test.RenderToMarkup(u.win.Canvas()) // lay out, so visible rows exist

	rng := rand.New(rand.NewPCG(1, 2))
	evs := make([]downloader.Event, 100)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		for j := range evs {
			s := tasks[rng.IntN(len(tasks))] // progress moves counters, never the state
			s.Done, s.Speed, s.ETA = int64(i*1000+j), 1<<20, time.Minute
			s.Connections = 8
			evs[j] = downloader.Event{Kind: downloader.EventProgress, Task: s}
		}
		u.apply(batch{events: evs})
	}
}

// BenchmarkApplyProgressVisible10k is the same with the 100 updates on the
// first 100 rows, about 20 of which are on screen: the worst case for
// redraws.
func BenchmarkApplyProgressVisible10k(b *testing.B) {
	a := test.NewTempApp(b)
	tasks := benchTasks(10000)
	for i := range 100 {
		tasks[i].State = downloader.StateActive
	}
	u := newUI(a, fakeengine.New(downloader.DefaultSettings("/tmp"), tasks...), Options{})
	defer u.Close()
	u.win.Resize(fyne.NewSize(1400, 900))
	test.RenderToMarkup(u.win.Canvas())

	evs := make([]downloader.Event, 100)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		for j := range evs {
			s := tasks[j]
			s.Done, s.Speed, s.ETA = int64(i*1000+j), 1<<20, time.Minute
			s.Phase, s.Connections = downloader.PhaseDownloading, 8
			evs[j] = downloader.Event{Kind: downloader.EventProgress, Task: s}
		}
		u.apply(batch{events: evs})
	}
}

// BenchmarkBridgePut measures the engine-facing side: merging one event.
func BenchmarkBridgePut(b *testing.B) {
	br := newBridge(nil, func(batch) {})
	tasks := benchTasks(10000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		br.put(downloader.Event{Kind: downloader.EventProgress, Task: tasks[i%len(tasks)]})
		if i%1000 == 999 {
			br.take()
		}
	}
}
