package downloader_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"

	"haul/downloader"
	"haul/downloader/store"
)

// fill10k writes 10,000 paused tasks into a fresh haul.db and returns its
// path. Paused tasks never touch the network.
func fill10k(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	path := filepath.Join(dir, "haul.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	m, err := downloader.Open(context.Background(), downloader.Config{Store: db, DefaultFolder: dir})
	if err != nil {
		b.Fatal(err)
	}
	reqs := make([]downloader.Request, 10000)
	for i := range reqs {
		reqs[i] = downloader.Request{URL: fmt.Sprintf("http://127.0.0.1:1/file-%05d.bin", i), Paused: true}
	}
	if _, err := m.Add(context.Background(), reqs...); err != nil {
		b.Fatal(err)
	}
	m.Close()
	db.Close()
	return path
}

func openManager(b *testing.B, path string) (*downloader.Manager, *store.DB) {
	db, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	m, err := downloader.Open(context.Background(), downloader.Config{Store: db, DefaultFolder: filepath.Dir(path)})
	if err != nil {
		b.Fatal(err)
	}
	return m, db
}

// BenchmarkRestart10k is a restart with 10,000 records: open haul.db and
// the manager until List works. Target: under 300 ms.
func BenchmarkRestart10k(b *testing.B) {
	path := fill10k(b)
	b.ResetTimer()
	for b.Loop() {
		m, db := openManager(b, path)
		if n := len(m.List()); n != 10000 {
			b.Fatalf("%d tasks", n)
		}
		m.Close()
		db.Close()
	}
}

// BenchmarkList10k is one List of 10,000 snapshots, and the heap the
// manager holds for them.
func BenchmarkList10k(b *testing.B) {
	path := fill10k(b)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m, db := openManager(b, path)
	defer db.Close()
	defer m.Close()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ResetTimer()
	for b.Loop() {
		if n := len(m.List()); n != 10000 {
			b.Fatalf("%d tasks", n)
		}
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB-heap")
}
