package downloader

import (
	"path/filepath"
	"testing"

	"haul/downloader/testserver"
)

func TestDownloadMultiConnection(t *testing.T) {
	f := testserver.File{Size: 20<<20 + 12345, Seed: 7}
	srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(4<<20))
	defer srv.Close()
	dir := t.TempDir()
	st := newMemStore()
	var bad []string
	st.onSegments = func(id string, segs []Segment) {
		if d := doneBytes(segs); d > f.Size {
			bad = append(bad, "overcount")
		}
	}
	m := openTest(t, st, dir, nil)
	downloadWhole(t, m, Request{URL: srv.URL("/f.bin"), Options: Options{Connections: 8}}, filepath.Join(dir, "f.bin"), f)
	if stats := srv.Stats(); stats.PeakInFlight < 2 {
		t.Errorf("max concurrent connections %d, want several", stats.PeakInFlight)
	}
	if len(bad) > 0 {
		t.Errorf("a record claimed more bytes than the file has")
	}
}
