package downloader

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"haul/downloader/testserver"
)

// watcher follows a manager's events and records what tests ask about.
type watcher struct {
	mu        sync.Mutex
	state     map[string]State
	started   []string // ids in the order they first became active
	maxActive int
	stop      func()
	done      chan struct{}
}

func watch(m *Manager) *watcher {
	events, stop := m.Subscribe()
	w := &watcher{state: map[string]State{}, stop: stop, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		seen := map[string]bool{}
		for ev := range events {
			w.mu.Lock()
			w.state[ev.Task.ID] = ev.Task.State
			if ev.Kind == EventRemoved {
				delete(w.state, ev.Task.ID)
			}
			if ev.Task.State == StateActive && !seen[ev.Task.ID] {
				seen[ev.Task.ID] = true
				w.started = append(w.started, ev.Task.ID)
			}
			n := 0
			for _, s := range w.state {
				if s == StateActive {
					n++
				}
			}
			w.maxActive = max(w.maxActive, n)
			w.mu.Unlock()
		}
	}()
	return w
}

func (w *watcher) close() {
	w.stop()
	<-w.done
}

func serveFiles(n int, size int64, opts ...testserver.Option) (*testserver.Server, []testserver.File) {
	files := make([]testserver.File, n)
	for i := range files {
		files[i] = testserver.File{Size: size, Seed: uint64(100 + i)}
		opts = append(opts, testserver.WithFile(fmt.Sprintf("/f%d.bin", i), files[i]))
	}
	return testserver.New(opts...), files
}

func TestQueueRespectsMaxActiveAndOrder(t *testing.T) {
	srv, files := serveFiles(10, 512<<10, testserver.WithPerConnRate(2<<20))
	defer srv.Close()
	dir := t.TempDir()
	m := openTest(t, newMemStore(), dir, nil)
	st := m.Settings()
	st.MaxActive = 3
	if err := m.SetSettings(st); err != nil {
		t.Fatal(err)
	}
	w := watch(m)
	var reqs []Request
	for i := range files {
		reqs = append(reqs, Request{URL: srv.URL(fmt.Sprintf("/f%d.bin", i)), Options: Options{Connections: 2}})
	}
	ids, err := m.Add(context.Background(), reqs...)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		s := waitState(t, m, id, 60*time.Second, StateCompleted, StateFailed)
		if s.State != StateCompleted {
			t.Fatalf("task %d: %s", i, s.Error)
		}
		if got := fileSHA(t, s.Path()); got != files[i].SHA256() {
			t.Fatalf("task %d: wrong bytes", i)
		}
	}
	w.close()
	if w.maxActive > 3 {
		t.Errorf("%d tasks ran at once, want at most 3", w.maxActive)
	}
	if w.maxActive < 2 {
		t.Errorf("only %d task ran at once; the queue did not run tasks in parallel", w.maxActive)
	}
	for i, id := range w.started {
		if id != ids[i] {
			t.Fatalf("start order %v, want queue order %v", w.started, ids)
		}
	}
}

func TestQueueMoveChangesWhoStartsNext(t *testing.T) {
	srv, _ := serveFiles(4, 256<<10, testserver.WithPerConnRate(1<<20))
	defer srv.Close()
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	st := m.Settings()
	st.MaxActive = 1
	if err := m.SetSettings(st); err != nil {
		t.Fatal(err)
	}
	w := watch(m)
	var reqs []Request
	for i := 0; i < 4; i++ {
		reqs = append(reqs, Request{URL: srv.URL(fmt.Sprintf("/f%d.bin", i)), Paused: i > 0})
	}
	ids, err := m.Add(context.Background(), reqs...)
	if err != nil {
		t.Fatal(err)
	}
	// Queue the waiting ones, then reorder before the first finishes.
	if err := m.Move(ids[3], MoveTop); err != nil {
		t.Fatal(err)
	}
	if err := m.Move(ids[1], MoveBottom); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[1:] {
		if err := m.Resume(id); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range ids {
		waitState(t, m, id, 60*time.Second, StateCompleted)
	}
	w.close()
	// Queue order is now 3, 0, 2, 1; 0 was already running.
	want := []string{ids[0], ids[3], ids[2], ids[1]}
	if fmt.Sprint(w.started) != fmt.Sprint(want) {
		t.Errorf("start order %v, want %v", w.started, want)
	}
	list := m.List()
	if list[0].ID != ids[3] || list[3].ID != ids[1] {
		t.Errorf("list order wrong: %v", []string{list[0].ID, list[1].ID, list[2].ID, list[3].ID})
	}
	for i, s := range list {
		if s.Position != i {
			t.Errorf("task %s position %d, want %d", s.ID, s.Position, i)
		}
	}
}

func TestQueuePauseResumeRemove(t *testing.T) {
	f := testserver.File{Size: 4 << 20, Seed: 3}
	srv := testserver.New(testserver.WithFile("/a", f), testserver.WithFile("/b", f), testserver.WithPerConnRate(1<<20))
	defer srv.Close()
	dir := t.TempDir()
	m := openTest(t, newMemStore(), dir, nil)
	ids, err := m.Add(context.Background(), Request{URL: srv.URL("/a"), Options: Options{Connections: 4}}, Request{URL: srv.URL("/b"), Options: Options{Connections: 4}})
	if err != nil {
		t.Fatal(err)
	}
	waitProgress(t, m, ids[0], 256<<10)
	if err := m.Pause(ids[0]); err != nil {
		t.Fatal(err)
	}
	paused := waitState(t, m, ids[0], 30*time.Second, StatePaused)
	if paused.Done == 0 {
		t.Fatal("paused task lost its progress")
	}
	// Remove the other mid-download: its part file goes with it.
	waitProgress(t, m, ids[1], 128<<10)
	if err := m.Remove(ids[1], false); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Get(ids[1]); err == nil {
		t.Fatal("removed task still listed")
	}
	if _, err := os.Stat(filepath.Join(dir, "b.part")); !os.IsNotExist(err) {
		t.Errorf("part file of removed task still there: %v", err)
	}
	srv.ResetStats()
	if err := m.Resume(ids[0]); err != nil {
		t.Fatal(err)
	}
	s := waitState(t, m, ids[0], 60*time.Second, StateCompleted, StateFailed)
	if s.State != StateCompleted || fileSHA(t, s.Path()) != f.SHA256() {
		t.Fatalf("resumed task: %s %s", s.State, s.Error)
	}
	if served := srv.Stats().BytesServed; served > f.Size-paused.Done/2 {
		t.Errorf("resume fetched %d bytes; %d were already on disk", served, paused.Done)
	}
	// Remove with the file.
	if err := m.Remove(ids[0], true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.Path()); !os.IsNotExist(err) {
		t.Errorf("file still there after remove with file")
	}
	if err := m.Pause("nope"); err == nil {
		t.Error("pausing an unknown task did not fail")
	}
}

// waitProgress waits until at least n bytes of the task are done.
func waitProgress(t *testing.T, m *Manager, id string, n int64) {
	t.Helper()
	events, stop := m.Subscribe()
	defer stop()
	deadline := time.After(60 * time.Second)
	for {
		s, err := m.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		if s.Done >= n {
			return
		}
		if s.State == StateCompleted || s.State == StateFailed {
			t.Fatalf("task ended (%s: %s) before %d bytes", s.State, s.Error, n)
		}
		select {
		case <-events:
		case <-deadline:
			t.Fatalf("no progress to %d bytes", n)
		}
	}
}

func TestQueueCloseAndReopenContinues(t *testing.T) {
	srv, files := serveFiles(3, 3<<20, testserver.WithPerConnRate(1<<20))
	defer srv.Close()
	dir := t.TempDir()
	st := newMemStore()
	m1, err := Open(context.Background(), Config{Store: st, DefaultFolder: dir})
	if err != nil {
		t.Fatal(err)
	}
	var reqs []Request
	for i := range files {
		reqs = append(reqs, Request{URL: srv.URL(fmt.Sprintf("/f%d.bin", i)), Options: Options{Connections: 4}})
	}
	ids, err := m1.Add(context.Background(), reqs...)
	if err != nil {
		t.Fatal(err)
	}
	waitProgress(t, m1, ids[0], 512<<10)
	if err := m1.Close(); err != nil {
		t.Fatal(err)
	}
	before := srv.Stats().BytesServed
	m2 := openTest(t, st, dir, nil)
	for i, id := range ids {
		s := waitState(t, m2, id, 60*time.Second, StateCompleted, StateFailed)
		if s.State != StateCompleted || fileSHA(t, s.Path()) != files[i].SHA256() {
			t.Fatalf("task %d after reopen: %s %s", i, s.State, s.Error)
		}
	}
	total := int64(len(files)) * files[0].Size
	if served := srv.Stats().BytesServed; served > total+total/4 {
		t.Errorf("served %d bytes in all (%d before the restart) for %d bytes of files: restarted from zero?", served, before, total)
	}
}

func TestQueueBrokenRecordLeavesOthersWorking(t *testing.T) {
	srv, files := serveFiles(1, 1<<20)
	defer srv.Close()
	dir := t.TempDir()
	st := &brokenStore{memStore: newMemStore()}
	m := openTest(t, st, dir, nil)
	list := m.List()
	if len(list) != 1 || !list[0].Broken || list[0].Error == "" {
		t.Fatalf("broken record not shown as a broken task: %+v", list)
	}
	if err := m.Resume(list[0].ID); err == nil {
		t.Error("a broken task could be resumed")
	}
	ids, err := m.Add(context.Background(), Request{URL: srv.URL("/f0.bin")})
	if err != nil {
		t.Fatal(err)
	}
	s := waitState(t, m, ids[0], 60*time.Second, StateCompleted, StateFailed)
	if s.State != StateCompleted || fileSHA(t, s.Path()) != files[0].SHA256() {
		t.Fatalf("good task: %s %s", s.State, s.Error)
	}
	if err := m.Remove(list[0].ID, false); err != nil {
		t.Fatalf("broken task cannot be removed: %v", err)
	}
}

// brokenStore returns one undecodable record besides the real ones.
type brokenStore struct{ *memStore }

func (b *brokenStore) LoadTasks() ([]TaskRecord, error) {
	recs, err := b.memStore.LoadTasks()
	return append([]TaskRecord{{ID: "00000000deadbeef", Broken: "invalid JSON"}}, recs...), err
}

func TestGlobalLimitHolds(t *testing.T) {
	f := testserver.File{Size: 3 << 20, Seed: 9}
	srv := testserver.New(testserver.WithFile("/f", f))
	defer srv.Close()
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	st := m.Settings()
	st.GlobalLimit = 1 << 20
	if err := m.SetSettings(st); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	ids, err := m.Add(context.Background(), Request{URL: srv.URL("/f"), Options: Options{Connections: 8}})
	if err != nil {
		t.Fatal(err)
	}
	s := waitState(t, m, ids[0], 60*time.Second, StateCompleted, StateFailed)
	if s.State != StateCompleted {
		t.Fatal(s.Error)
	}
	// 3 MiB at 1 MiB/s with a burst of at most 1/8 s: never under ~2.7 s.
	// Only the lower bound is asserted; a busy machine may be slower.
	if el := time.Since(start); el < 2600*time.Millisecond {
		t.Errorf("3 MiB took %v under a 1 MiB/s limit", el)
	}
}

func TestServerGoesAwayAndReturns(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	f := testserver.File{Size: 4 << 20, Seed: 11}
	srv := testserver.New(testserver.WithListener(l), testserver.WithFile("/f", f), testserver.WithPerConnRate(1<<20))
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	ids, err := m.Add(context.Background(), Request{URL: srv.URL("/f"), Options: Options{Connections: 4}})
	if err != nil {
		t.Fatal(err)
	}
	waitProgress(t, m, ids[0], 512<<10)
	srv.Close()
	// While the server is gone the task waits instead of failing.
	waitPhase(t, m, ids[0], PhaseWaitingNetwork)
	l2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	srv2 := testserver.New(testserver.WithListener(l2), testserver.WithFile("/f", f))
	defer srv2.Close()
	s := waitState(t, m, ids[0], 60*time.Second, StateCompleted, StateFailed)
	if s.State != StateCompleted || fileSHA(t, s.Path()) != f.SHA256() {
		t.Fatalf("after the server returned: %s %s", s.State, s.Error)
	}
}

func waitPhase(t *testing.T, m *Manager, id string, p Phase) {
	t.Helper()
	events, stop := m.Subscribe()
	defer stop()
	deadline := time.After(60 * time.Second)
	for {
		s, _ := m.Get(id)
		if s.Phase == p {
			return
		}
		if s.State != StateActive && s.State != StateQueued {
			t.Fatalf("task %s/%s (%s), want phase %s", s.State, s.Phase, s.Error, p)
		}
		select {
		case <-events:
		case <-deadline:
			t.Fatalf("phase never became %s", p)
		}
	}
}
