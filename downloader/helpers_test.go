package downloader

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"haul/downloader/testserver"
)

// memStore is an in-memory Store for engine tests.
type memStore struct {
	mu       sync.Mutex
	tasks    map[string]TaskRecord
	segs     map[string][]Segment
	settings *Settings
	// onSegments, when set, sees every committed segment list.
	onSegments func(id string, segs []Segment)
}

func newMemStore() *memStore {
	return &memStore{tasks: map[string]TaskRecord{}, segs: map[string][]Segment{}}
}

func (s *memStore) LoadTasks() ([]TaskRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []TaskRecord
	for id, r := range s.tasks {
		r.Segments = slices.Clone(s.segs[id])
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b TaskRecord) int { return compareInt(a.Order, b.Order) })
	return out, nil
}

func (s *memStore) PutTask(rec TaskRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	segs := rec.Segments
	rec.Segments = nil
	s.tasks[rec.ID] = rec
	s.segs[rec.ID] = slices.Clone(segs)
	if s.onSegments != nil && segs != nil {
		s.onSegments(rec.ID, segs)
	}
	return nil
}

func (s *memStore) PutSegments(id string, segs []Segment) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.segs[id] = slices.Clone(segs)
	if s.onSegments != nil {
		s.onSegments(id, segs)
	}
	return nil
}

func (s *memStore) DeleteTask(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tasks, id)
	delete(s.segs, id)
	return nil
}

func (s *memStore) LoadSettings() (Settings, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.settings == nil {
		return Settings{}, false, nil
	}
	return *s.settings, true, nil
}

func (s *memStore) PutSettings(st Settings) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settings = &st
	return nil
}

func (s *memStore) Close() error { return nil }

// openTest opens a manager on st with dir as the download folder.
func openTest(t *testing.T, st Store, dir string, mod func(*Config)) *Manager {
	t.Helper()
	cfg := Config{Store: st, DefaultFolder: dir}
	if mod != nil {
		mod(&cfg)
	}
	m, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// waitState waits until task id settles in one of the states.
func waitState(t *testing.T, m *Manager, id string, timeout time.Duration, states ...State) Snapshot {
	t.Helper()
	events, stop := m.Subscribe()
	defer stop()
	deadline := time.After(timeout)
	for {
		s, err := m.Get(id)
		if err != nil {
			t.Fatalf("get %s: %v", id, err)
		}
		if slices.Contains(states, s.State) {
			return s
		}
		select {
		case <-events:
		case <-deadline:
			t.Fatalf("task %s still %s/%s (%s) after %v, want %v", id, s.State, s.Phase, s.Error, timeout, states)
		}
	}
}

// downloadWhole adds req, waits up to a minute for it to finish and
// fails the test unless it completed with want's bytes at path.
func downloadWhole(t *testing.T, m *Manager, req Request, path string, want testserver.File) {
	t.Helper()
	ids, err := m.Add(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	s := waitState(t, m, ids[0], 60*time.Second, StateCompleted, StateFailed)
	if s.State != StateCompleted {
		t.Fatalf("state %s: %s", s.State, s.Error)
	}
	if got := fileSHA(t, path); got != want.SHA256() {
		t.Fatal("sha mismatch")
	}
}

func fileSHA(t *testing.T, path string) string {
	t.Helper()
	sum, err := testserver.FileSHA256(path)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// checksumOf parses s, failing the test when it is not a checksum.
func checksumOf(t *testing.T, s string) Checksum {
	t.Helper()
	c, err := ParseChecksum(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
