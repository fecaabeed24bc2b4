package e2e

import (
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

// TestE2ESortByCategory: with sorting on, `haul get` without -d saves a
// .bin served as video/mp4 into the Video folder; SIGKILLed mid-download
// and run again, it finds its task by URL in that folder and finishes it
// there, byte-exact, with no second copy; a third run says it is done.
func TestE2ESortByCategory(t *testing.T) {
	needHaul(t)
	const size, seed = 8 << 20, 21
	srv := testserver.New(
		testserver.WithFile("/clip.bin", testserver.File{Size: size, Seed: seed, ContentType: "video/mp4"}),
		testserver.WithPerConnRate(1<<20))
	defer srv.Close()
	base := t.TempDir()
	data, out := filepath.Join(base, "data"), filepath.Join(base, "out")
	seedSettings(t, data, out)
	video := filepath.Join(out, "Video")

	p := startHaul(t, "get", "--data", data, "-x", "2", srv.URL("/clip.bin"))
	if !waitUntil(p, 30*time.Second, func() bool { return len(partFiles(t, video)) > 0 }) {
		t.Fatalf("no part file in %s; %s", video, p.output())
	}
	p.kill(t)
	srv.Set(testserver.WithPerConnRate(0))
	code, p2 := runHaul(t, 60*time.Second, "get", "--data", data, srv.URL("/clip.bin"))
	if code != 0 {
		t.Fatalf("rerun exit %d; %s", code, p2.output())
	}
	if got, want := e2etest.FileSHA256(t, filepath.Join(video, "clip.bin")), testserver.SHA256(seed, size); got != want {
		t.Errorf("Video/clip.bin: SHA-256 %s, want %s", got, want)
	}
	entries, _ := os.ReadDir(video)
	if len(entries) != 1 {
		t.Errorf("Video holds %d entries, want only clip.bin", len(entries))
	}
	if _, err := os.Stat(filepath.Join(out, "clip.bin")); err == nil {
		t.Error("a second copy landed in the download folder")
	}
	code, p3 := runHaul(t, 30*time.Second, "get", "--data", data, srv.URL("/clip.bin"))
	if code != 0 || !strings.Contains(p3.output(), filepath.Join(video, "clip.bin")) {
		t.Errorf("third run exit %d, output %q: want it to name the finished file", code, p3.output())
	}
}

// seedSettings stores settings with folder out and sorting on, as the
// window's Settings → Categories would.
func seedSettings(t *testing.T, data, out string) {
	t.Helper()
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(data, "haul.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := downloader.DefaultSettings(out)
	s.Categories.Sort = true
	if err := db.PutSettings(s); err != nil {
		t.Fatal(err)
	}
}
