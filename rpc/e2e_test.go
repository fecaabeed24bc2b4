package rpc

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"haul/downloader"
	"haul/downloader/testserver"
)

// memStore is an in-memory downloader.Store.
type memStore struct {
	mu       sync.Mutex
	tasks    map[string]downloader.TaskRecord
	settings *downloader.Settings
}

func newMemStore() *memStore { return &memStore{tasks: map[string]downloader.TaskRecord{}} }

func (s *memStore) LoadTasks() ([]downloader.TaskRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []downloader.TaskRecord
	for _, r := range s.tasks {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b downloader.TaskRecord) int { return int(a.Order - b.Order) })
	return out, nil
}

func (s *memStore) PutTask(rec downloader.TaskRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec.Segments = slices.Clone(rec.Segments)
	s.tasks[rec.ID] = rec
	return nil
}

func (s *memStore) PutSegments(id string, segs []downloader.Segment) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.tasks[id]
	r.Segments = slices.Clone(segs)
	s.tasks[id] = r
	return nil
}

func (s *memStore) DeleteTask(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tasks, id)
	return nil
}

func (s *memStore) LoadSettings() (downloader.Settings, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.settings == nil {
		return downloader.Settings{}, false, nil
	}
	return *s.settings, true, nil
}

func (s *memStore) PutSettings(st downloader.Settings) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settings = &st
	return nil
}

func (s *memStore) Close() error { return nil }

// TestEndToEnd drives the real engine: addUri over WebSocket, the file
// downloads from the local test server, tellStatus says complete and the
// client hears aria2.onDownloadComplete.
func TestEndToEnd(t *testing.T) {
	const size = 3<<20 + 123
	file := testserver.File{Size: size, Seed: 7}
	srv := testserver.New(testserver.WithFile("/data.bin", file))
	defer srv.Close()
	dir := t.TempDir()
	m := openManager(t, newMemStore(), dir)
	s := startTest(t, m, nil)

	c, _ := dialWS(t, s, nil)
	c.send(tokReq(1, "aria2.addUri", []string{srv.URL("/data.bin")}, map[string]string{
		"split": "4", "checksum": "sha-256=" + file.SHA256(), "out": "copy.bin",
	}))
	// Notifications may overtake the reply: skip to the answer to call 1.
	var early []string
	reply := c.readJSON()
	for reply["id"] == nil {
		if m, ok := reply["method"].(string); ok {
			early = append(early, m)
		}
		reply = c.readJSON()
	}
	gid, _ := reply["result"].(string)
	if len(gid) != 16 {
		t.Fatalf("addUri: %v", reply)
	}
	seen := early
	deadline := time.Now().Add(30 * time.Second)
	for !slices.Contains(seen, "aria2.onDownloadComplete") {
		if time.Now().After(deadline) {
			t.Fatalf("no completion notification; saw %v", seen)
		}
		n := c.readJSON()
		if n["method"] == "aria2.onDownloadError" {
			st, _ := m.Get(gid)
			t.Fatalf("download failed: %s", st.Error)
		}
		seen = append(seen, n["method"].(string))
	}
	if seen[0] != "aria2.onDownloadStart" {
		t.Errorf("notifications %v", seen)
	}
	var st map[string]any
	mustCall(t, s, &st, "aria2.tellStatus", gid)
	want := map[string]string{"status": "complete", "totalLength": "3145851", "completedLength": "3145851", "numPieces": "4", "bitfield": "f0", "dir": dir}
	for k, v := range want {
		if st[k] != v {
			t.Errorf("%s = %v, want %s", k, st[k], v)
		}
	}
	f := st["files"].([]any)[0].(map[string]any)
	if f["path"] != filepath.Join(dir, "copy.bin") {
		t.Errorf("path %v", f["path"])
	}
	var stopped []map[string]any
	mustCall(t, s, &stopped, "aria2.tellStopped", 0, 10, []string{"gid"})
	if len(stopped) != 1 || stopped[0]["gid"] != gid {
		t.Errorf("tellStopped %v", stopped)
	}
	// Purging keeps the file but clears the list.
	mustCall(t, s, nil, "aria2.purgeDownloadResult")
	if len(m.List()) != 0 {
		t.Errorf("engine still lists %v", m.List())
	}
	if fi, err := os.Stat(filepath.Join(dir, "copy.bin")); err != nil || fi.Size() != size {
		t.Errorf("file after purge: %v", err)
	}
}
