package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"haul/downloader/testserver"
	"haul/e2e/internal/e2etest"
)

// TestE2EExistingFileKept downloads a file whose name is already taken in
// the folder: the user's file must stay as it was.
func TestE2EExistingFileKept(t *testing.T) {
	needHaul(t)
	const size, seed = 1 << 20, 11
	srv := testserver.New(testserver.WithFile("/keep.bin", testserver.File{Size: size, Seed: seed}))
	defer srv.Close()
	base := t.TempDir()
	data, out := filepath.Join(base, "data"), filepath.Join(base, "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	mine := []byte("the user's own keep.bin\n")
	if err := os.WriteFile(filepath.Join(out, "keep.bin"), mine, 0o644); err != nil {
		t.Fatal(err)
	}
	code, p := runHaul(t, 60*time.Second, "get", "--data", data, "-d", out, srv.URL("/keep.bin"))
	if code != 0 {
		t.Fatalf("exit %d; %s", code, p.output())
	}
	if b, _ := os.ReadFile(filepath.Join(out, "keep.bin")); string(b) != string(mine) {
		t.Errorf("the existing keep.bin was overwritten (%d bytes now)", len(b))
	}
	if got, want := e2etest.FileSHA256(t, filepath.Join(out, "keep (1).bin")), testserver.SHA256(seed, size); got != want {
		t.Errorf("keep (1).bin: SHA-256 %s, want %s", got, want)
	}
}

// TestE2EKillDuringPartCreate SIGKILLs haul as soon as its part file
// appears, before the task record names it, until that window is hit; the
// same command must then still finish the download.
func TestE2EKillDuringPartCreate(t *testing.T) {
	needHaul(t)
	const size, seed = 4 << 20, 12
	srv := testserver.New(testserver.WithFile("/x.bin", testserver.File{Size: size, Seed: seed}))
	defer srv.Close()
	url := srv.URL("/x.bin")
	for try := 1; try <= 30; try++ {
		base := t.TempDir()
		data, out := filepath.Join(base, "data"), filepath.Join(base, "out")
		args := []string{"get", "--data", data, "-d", out, "-q", url}
		p := startHaul(t, args...)
		part := filepath.Join(out, "x.bin.part")
		// Spin, not poll: the window is a few milliseconds.
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !p.exited(); {
			if _, err := os.Stat(part); err == nil {
				break
			}
		}
		if !p.kill(t) {
			continue
		}
		if rec := readDurable(t, data)[url]; rec.Size >= 0 {
			continue // killed after the record named the part: not the window
		}
		if _, err := os.Stat(part); err != nil {
			continue
		}
		t.Logf("try %d: killed with x.bin.part on disk and no size on record", try)
		code, p := runHaul(t, 60*time.Second, args...)
		if code != 0 {
			t.Fatalf("rerun: exit %d; %s", code, p.output())
		}
		if got, want := e2etest.FileSHA256(t, filepath.Join(out, "x.bin")), testserver.SHA256(seed, size); got != want {
			t.Errorf("SHA-256 %s, want %s", got, want)
		}
		if parts := partFiles(t, out); len(parts) > 0 {
			t.Errorf("part files left: %v", parts)
		}
		return
	}
	t.Skip("never hit the window between creating the part file and recording it")
}
