package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"haul/downloader/testserver"
	"haul/e2e/internal/e2etest"
)

// TestE2EKillResume SIGKILLs a 16-connection download of 64 MiB at about
// 15%, 45% and 80%, runs the same command again each time, and checks the
// file, that no run fetched again what the record said was on disk, and
// that the record never went backwards.
func TestE2EKillResume(t *testing.T) {
	needHaul(t)
	const (
		size = 64 << 20
		seed = 0xC0FFEE
		// Per connection: 16 × 1 MiB/s takes 64 MiB in about 4 s, 8
		// connections (where Haul's slow start may settle) in 8 s.
		rate = 1 << 20
	)
	srv := testserver.New(
		testserver.WithFile("/big.bin", testserver.File{Size: size, Seed: seed}),
		testserver.WithPerConnRate(rate),
	)
	defer srv.Close()
	url := srv.URL("/big.bin")
	base := t.TempDir()
	data, out := filepath.Join(base, "data"), filepath.Join(base, "out")
	args := []string{"get", "--data", data, "-d", out, "-x", "16", url}
	t0 := time.Now()

	var (
		prev        durable // the record before the run
		totalServed int64
	)
	for i, at := range []float64{0.15, 0.45, 0.80} {
		srv.ResetStats()
		p := startHaul(t, args...)
		// Kill once the bytes on record plus those served since reach the
		// mark, and not before a second has gone (Haul records progress
		// about once a second; earlier kills would test nothing).
		target := int64(at * size)
		reached := waitUntil(p, 60*time.Second, func() bool {
			return time.Since(p.started) > 1200*time.Millisecond && prev.Done()+srv.Stats().BytesServed >= target
		})
		if !reached || !p.kill(t) {
			t.Fatalf("run %d ended before the kill at %.0f%% (exit %d; served %s); %s", i+1, at*100, p.wait(t, time.Second), mib(srv.Stats().BytesServed), p.output())
		}
		st := srv.Stats()
		totalServed += st.BytesServed
		if i > 0 {
			if bad := refetched(st.Ranges, prev); len(bad) > 0 {
				t.Errorf("run %d asked again for bytes already on disk: %v", i+1, bad)
			}
		}
		cur := readDurable(t, data)[url]
		t.Logf("kill %d at ~%.0f%% after %v: served %s this run, on record %s (was %s)", i+1, at*100,
			time.Since(p.started).Round(10*time.Millisecond), mib(st.BytesServed), mib(cur.Done()), mib(prev.Done()))
		if cur.Done() < prev.Done() {
			t.Errorf("after kill %d the record says %d bytes done, fewer than the %d before the run: progress was lost", i+1, cur.Done(), prev.Done())
		}
		prev = cur
	}
	if prev.Done() == 0 {
		t.Fatalf("after three kills nothing is on record; every run would start from zero")
	}

	srv.ResetStats()
	code, p := runHaul(t, 90*time.Second, args...)
	st := srv.Stats()
	totalServed += st.BytesServed
	if code != 0 {
		t.Fatalf("final run: exit %d, want 0; %s", code, p.output())
	}
	t.Logf("final run: %v, served %s, peak %d connections", time.Since(p.started).Round(10*time.Millisecond), mib(st.BytesServed), st.PeakInFlight)
	if bad := refetched(st.Ranges, prev); len(bad) > 0 {
		t.Errorf("final run asked again for bytes already on disk: %v", bad)
	}
	// The final run needs only what was missing; allow a tenth of the
	// file for work stealing and bodies cut short.
	if missing := size - prev.Done(); st.BytesServed > missing+size/10 {
		t.Errorf("final run was served %s but only %s was missing: it started (partly) over", mib(st.BytesServed), mib(missing))
	}
	final := filepath.Join(out, "big.bin")
	if got, want := e2etest.FileSHA256(t, final), testserver.SHA256(seed, size); got != want {
		t.Errorf("SHA-256 %s, want %s", got, want)
	}
	if parts := partFiles(t, out); len(parts) > 0 {
		t.Errorf("part files left: %v", parts)
	}
	if fi, err := os.Stat(final); err == nil && fi.Size() != size {
		t.Errorf("size %d, want %d", fi.Size(), size)
	}
	ratio := float64(totalServed) / size
	t.Logf("done in %v; served %s in all, %.2f× the file", time.Since(t0).Round(10*time.Millisecond), mib(totalServed), ratio)
	// A gross bound on top of the per-run checks: each kill loses at most
	// about a second of data.
	if ratio >= 2 {
		t.Errorf("served %.2f× the file size over four runs", ratio)
	}
}
