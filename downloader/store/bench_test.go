package store

import (
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"haul/downloader"
)

// BenchmarkLoadTasks10k is LoadTasks alone on 10,000 full records with 16
// segments each.
func BenchmarkLoadTasks10k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "haul.db")
	populate(b, path, 10_000)
	db := openT(b, path)
	for b.Loop() {
		recs, err := db.LoadTasks()
		if err != nil || len(recs) != 10_000 {
			b.Fatalf("%d records, %v", len(recs), err)
		}
	}
}

// BenchmarkRestart10k is what a user waits for at start: Open (with its
// consistency walk) plus LoadTasks plus Close.
func BenchmarkRestart10k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "haul.db")
	populate(b, path, 10_000)
	for b.Loop() {
		db, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if recs, err := db.LoadTasks(); err != nil || len(recs) != 10_000 {
			b.Fatalf("%d records, %v", len(recs), err)
		}
		db.Close()
	}
}

func segs16(done int64) []downloader.Segment {
	s := make([]downloader.Segment, 16)
	for i := range s {
		s[i] = downloader.Segment{Start: int64(i) << 28, End: int64(i+1) << 28, Done: done}
	}
	return s
}

// BenchmarkPutSegments is one caller flushing one task: each call is a
// committed, fsynced transaction.
func BenchmarkPutSegments(b *testing.B) {
	db := openT(b, filepath.Join(b.TempDir(), "haul.db"))
	populateOpen(b, db, 100)
	var n int64
	for b.Loop() {
		n++
		if err := db.PutSegments("task-000042", segs16(n)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPutSegmentsParallel is many tasks flushing at once, where
// bbolt's Batch shares transactions and fsyncs between callers.
func BenchmarkPutSegmentsParallel(b *testing.B) {
	db := openT(b, filepath.Join(b.TempDir(), "haul.db"))
	populateOpen(b, db, 100)
	b.SetParallelism(8) // 16 goroutines on 2 cores, like 16 active tasks
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		id := fmt.Sprintf("task-%06d", next.Add(7)%100) // a task per goroutine
		var n int64
		for pb.Next() {
			n++
			if err := db.PutSegments(id, segs16(n)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// populateOpen adds n records to an open store.
func populateOpen(b *testing.B, db *DB, n int) {
	b.Helper()
	for i := range n {
		if err := db.PutTask(sampleRecord(fmt.Sprintf("task-%06d", i), int64(i))); err != nil {
			b.Fatal(err)
		}
	}
}
