package downloader

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"haul/downloader/testserver"
)

// samplerNow reads the sampler's state under the manager's lock.
func samplerNow(m *Manager) (on bool, starts int, done chan struct{}) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sampler.on, m.sampler.starts, m.sampler.done
}

// waitSamplerStopped waits for the current sampler goroutine to return.
func waitSamplerStopped(t *testing.T, m *Manager) {
	t.Helper()
	_, _, done := samplerNow(m)
	if done == nil {
		return
	}
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the sampler still runs with nothing active")
	}
	if on, _, _ := samplerNow(m); on {
		t.Fatal("the sampler returned but is marked on")
	}
}

// TestSamplerOnlyWhileActive: a queue with nothing to run starts no
// sampler; a started task wakes it, and it stops once nothing runs and the
// flow watch has said the bytes stopped, whether the task finished or
// failed; the next start wakes it again.
func TestSamplerOnlyWhileActive(t *testing.T) {
	f := testserver.File{Size: 2 << 20, Seed: 3}
	srv := testserver.New(testserver.WithFile("/f.bin", f))
	defer srv.Close()
	// Slow enough that samples see the bytes move and the flow watch says
	// true: the sampler must then outlive the task until it says false.
	slow := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(4<<20))
	defer slow.Close()
	dir := t.TempDir()
	st := newMemStore()
	for i, id := range []string{"done1", "done2"} {
		_ = st.PutTask(TaskRecord{Version: RecordVersion, ID: id, URL: srv.URL("/old.bin"), Folder: dir,
			Name: id + ".bin", Size: 1, State: StateCompleted, Order: int64(i)})
	}
	m := openTest(t, st, dir, nil)
	if on, starts, _ := samplerNow(m); on || starts != 0 {
		t.Fatalf("idle queue: sampler on %v, %d starts; want none", on, starts)
	}
	flow, stopFlow := m.WatchFlow()
	defer stopFlow()
	for i, tc := range []struct {
		name string
		srv  *testserver.Server
		path string
		want State
	}{
		{"completes", srv, "/f.bin", StateCompleted},
		{"fails at once", srv, "/missing.bin", StateFailed},
		{"completes slowly", slow, "/f.bin", StateCompleted},
		{"completes again", srv, "/f.bin", StateCompleted},
	} {
		ids, err := m.Add(context.Background(), Request{URL: tc.srv.URL(tc.path), Name: tc.name + ".bin", Options: Options{Connections: 1}})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if _, starts, _ := samplerNow(m); starts != i+1 {
			t.Fatalf("%s: %d sampler starts after the task started, want %d", tc.name, starts, i+1)
		}
		if s := waitState(t, m, ids[0], 60*time.Second, StateCompleted, StateFailed); s.State != tc.want {
			t.Fatalf("%s: state %s (%s), want %s", tc.name, s.State, s.Error, tc.want)
		}
		if tc.srv == slow {
			waitFlow(t, flow, true)
			waitFlow(t, flow, false)
		}
		waitSamplerStopped(t, m)
		if m.flow.isFlowing() {
			t.Fatalf("%s: the sampler stopped while the flow watch says bytes flow", tc.name)
		}
		if _, starts, _ := samplerNow(m); starts != i+1 {
			t.Fatalf("%s: %d sampler starts, want %d", tc.name, starts, i+1)
		}
	}
	for _, name := range []string{"completes slowly.bin", "completes again.bin"} {
		if got := fileSHA(t, filepath.Join(dir, name)); got != f.SHA256() {
			t.Errorf("%s: sha mismatch", name)
		}
	}
}

// TestSampleTickAnnouncesChanges: a running task's progress is announced
// when its snapshot changes (bytes, speed, phase, log) or another event
// was sent since, and not while it stands still; a new subscriber hears
// every running task once.
func TestSampleTickAnnouncesChanges(t *testing.T) {
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	tk := newTask(m, TaskRecord{Version: RecordVersion, ID: "run", URL: "http://127.0.0.1:9/a.bin", Folder: t.TempDir(),
		Name: "a.bin", Size: 1 << 20, State: StateActive})
	active := []*task{tk}
	now := time.Date(2026, 11, 30, 4, 0, 0, 0, time.UTC)
	var last progressShown
	tick := func(step time.Duration) int {
		now = now.Add(step)
		last = m.sampleTick(now, active, last)
		return last.sent
	}
	if n := tick(sampleEvery); n != 0 {
		t.Fatalf("no subscriber: %d events sent", n)
	}
	_, stop := m.Subscribe()
	defer stop()
	steps := []struct {
		name   string
		change func()
		step   time.Duration
		want   int
	}{
		{"new subscriber", nil, sampleEvery, 1},
		{"nothing moves", nil, sampleEvery, 0},
		{"bytes arrive", func() { tk.received.Add(64 << 10) }, sampleEvery, 1},
		{"speed falls", nil, sampleEvery, 1},
		{"speed reaches 0", nil, time.Minute, 1},
		{"stands still", nil, sampleEvery, 0},
		{"still", nil, sampleEvery, 0},
		{"phase changes", func() { tk.setPhase(PhaseRetrying, "a retry") }, sampleEvery, 1},
		{"log grows", func() { tk.mu.Lock(); tk.logLocked("a line"); tk.mu.Unlock() }, sampleEvery, 1},
		{"still again", nil, sampleEvery, 0},
		// Announced in between by another event, so the sampler's last
		// word is no longer what subscribers hold.
		{"phase goes and comes back", func() { tk.setPhase(PhaseDownloading, ""); tk.setPhase(PhaseRetrying, "a retry") }, sampleEvery, 1},
		{"still at last", nil, sampleEvery, 0},
	}
	for _, s := range steps {
		if s.change != nil {
			s.change()
		}
		if n := tick(s.step); n != s.want {
			t.Errorf("%s: %d progress events, want %d (speed %d)", s.name, n, s.want, tk.speed.Load())
		}
	}
	_, stop2 := m.Subscribe()
	defer stop2()
	if n := tick(sampleEvery); n != 1 {
		t.Errorf("second subscriber: %d progress events, want 1", n)
	}
}
