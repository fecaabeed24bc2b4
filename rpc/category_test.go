package rpc

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"haul/downloader"
	"haul/downloader/testserver"
)

// TestAddURIWithoutDirIsSorted: with sorting by category on, addUri
// without "dir" lets the engine choose the category's folder at the probe
// (a .bin served as video/mp4 goes to Video), and an explicit "dir" is
// kept.
func TestAddURIWithoutDirIsSorted(t *testing.T) {
	srv := testserver.New(testserver.WithFile("/clip.bin", testserver.File{Size: 256 << 10, Seed: 3, ContentType: "video/mp4"}))
	defer srv.Close()
	dir := t.TempDir()
	m, err := downloader.Open(context.Background(), downloader.Config{Store: newMemStore(), DefaultFolder: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	set := m.Settings()
	set.Categories.Sort = true
	if err := m.SetSettings(set); err != nil {
		t.Fatal(err)
	}
	s := startTest(t, m, nil)
	mine := filepath.Join(dir, "mine")
	for _, tt := range []struct {
		opts map[string]string
		want string
	}{
		{map[string]string{}, filepath.Join(dir, "Video")},
		{map[string]string{"dir": mine, "out": "two.bin"}, mine},
	} {
		var gid string
		mustCall(t, s, &gid, "aria2.addUri", []string{srv.URL("/clip.bin")}, tt.opts)
		snap := waitFinished(t, m, gid)
		if snap.State != downloader.StateCompleted || snap.Folder != tt.want {
			t.Errorf("opts %v: %s in %q (%s), want completed in %q", tt.opts, snap.State, snap.Folder, snap.Error, tt.want)
		}
	}
}

func waitFinished(t *testing.T, m *downloader.Manager, id string) downloader.Snapshot {
	t.Helper()
	events, stop := m.Subscribe()
	defer stop()
	deadline := time.After(20 * time.Second)
	for {
		snap, err := m.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		if snap.State == downloader.StateCompleted || snap.State == downloader.StateFailed {
			return snap
		}
		select {
		case <-events:
		case <-deadline:
			t.Fatalf("task %s still %s", id, snap.State)
		}
	}
}
