package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"haul/downloader"
	"haul/downloader/store"
	"haul/downloader/testserver"
	"haul/e2e/internal/e2etest"
)

// TestE2EVideoKillResume runs `haul get MASTER.m3u8` of an AES-128 stream
// with rotating keys, SIGKILLs it twice mid-way, runs it again, and checks
// the joined file byte for byte, that the variant chosen was printed, and
// that no run fetched a segment the record already said was on disk.
func TestE2EVideoKillResume(t *testing.T) {
	needHaul(t)
	const segs = 60
	srv := testserver.New(testserver.WithPerConnRate(48 << 10))
	defer srv.Close()
	set := srv.AddHLS("show", testserver.HLSOptions{Variants: 2, Segments: segs, Packets: 200, KeyEvery: 4, Seed: 7})
	url := set.URL()
	base := t.TempDir()
	data, out := filepath.Join(base, "data"), filepath.Join(base, "out")
	args := []string{"get", "--data", data, "-d", out, "-x", "4", url}
	segPath := func(i int) string { return fmt.Sprintf("v1/seg%d.ts", i) }

	var onRecord map[int]bool // segments the record vouched for before the run
	for i, at := range []int{segs / 4, segs * 2 / 3} {
		before := hitsOf(set, segPath, segs)
		p := startHaul(t, args...)
		reached := waitUntil(p, 60*time.Second, func() bool {
			return time.Since(p.started) > 1200*time.Millisecond && len(onRecord)+set.HitsWithSuffix(".ts")-sum(before) >= at
		})
		if !reached || !p.kill(t) {
			t.Fatalf("run %d ended before the kill (exit %d); %s", i+1, p.wait(t, time.Second), p.output())
		}
		after := hitsOf(set, segPath, segs)
		for s := range onRecord {
			if after[s] != before[s] {
				t.Errorf("run %d fetched segment %d again although the record said it was on disk", i+1, s)
			}
		}
		cur := videoOnRecord(t, data, url)
		for s := range onRecord {
			if !cur[s] {
				t.Errorf("after kill %d segment %d is no longer on record: progress was lost", i+1, s)
			}
		}
		t.Logf("kill %d after %v: %d of %d segments on record", i+1, time.Since(p.started).Round(10*time.Millisecond), len(cur), segs)
		onRecord = cur
	}
	if len(onRecord) == 0 {
		t.Fatal("after two kills no segment is on record; every run would start from zero")
	}
	before := hitsOf(set, segPath, segs)
	code, p := runHaul(t, 90*time.Second, args...)
	if code != 0 {
		t.Fatalf("final run: exit %d; %s", code, p.output())
	}
	after := hitsOf(set, segPath, segs)
	for s := range onRecord {
		if after[s] != before[s] {
			t.Errorf("final run fetched segment %d again although it was on record", s)
		}
	}
	if !strings.Contains(p.stdout.String(), "Variant: 1280x720, 1.6 Mbit/s") {
		t.Errorf("the variant chosen was not printed; stdout:\n%s", tail(p.stdout.String(), 2000))
	}
	final := filepath.Join(out, "master.ts")
	if got := e2etest.FileSHA256(t, final); got != set.WantSHA256(1) {
		t.Errorf("joined file SHA-256 %s, want %s (the best variant's decrypted segments in order)", got, set.WantSHA256(1))
	}
	if _, err := os.Stat(final + ".part"); !os.IsNotExist(err) {
		t.Errorf("staging folder left behind: %v", err)
	}
	// Each kill may lose the segments in flight (4 connections) and those
	// finished in the last second before the record caught up.
	total := set.HitsWithSuffix(".ts")
	t.Logf("%d segment requests in all for %d segments", total, segs)
	if total > segs+2*(4+8) {
		t.Errorf("%d segment requests for %d segments: runs started (partly) over", total, segs)
	}
	if keys := set.HitsWithSuffix(".key"); keys > 3*(segs/4) {
		t.Errorf("%d key requests for %d keys over three runs", keys, segs/4)
	}
}

func hitsOf(set *testserver.HLSSet, path func(int) string, n int) []int {
	h := make([]int, n)
	for i := range h {
		h[i] = set.Hits(path(i))
	}
	return h
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// videoOnRecord is the set of units haul.db says are on disk for url.
func videoOnRecord(t *testing.T, dataDir, url string) map[int]bool {
	t.Helper()
	db, err := store.Open(filepath.Join(dataDir, "haul.db"), store.Options{})
	if err != nil {
		t.Fatalf("open haul.db after the kill: %v", err)
	}
	defer db.Close()
	recs, err := db.LoadTasks()
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]bool{}
	for _, r := range recs {
		if r.URL != url || r.Video == nil {
			continue
		}
		if r.State == downloader.StateCompleted {
			t.Fatal("the download completed before the kill")
		}
		for i, d := range r.Video.Done {
			if d >= 0 {
				out[i] = true
			}
		}
	}
	return out
}
