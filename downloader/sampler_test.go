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
