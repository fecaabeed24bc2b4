package downloader

import (
	"bytes"
	"context"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"haul/downloader/testserver"
)

// finFS is the operating system's FileSystem with hooks: a log of the
// operations that order matters for, and a hook before each rename.
type finFS struct {
	FileSystem
	mu  sync.Mutex
	log *opLog
	// beforeRename runs before the real rename; a non-nil error is
	// returned instead of renaming.
	beforeRename func(from, to string) error
	// onRemove runs before the real remove.
	onRemove func(path string)
}

func (f *finFS) Rename(from, to string) error {
	f.mu.Lock()
	hook := f.beforeRename
	f.mu.Unlock()
	if hook != nil {
		if err := hook(from, to); err != nil {
			return err
		}
	}
	err := f.FileSystem.Rename(from, to)
	if err == nil {
		f.log.add("rename " + filepath.Base(to))
	}
	return err
}

func (f *finFS) Remove(path string) error {
	if f.onRemove != nil {
		f.onRemove(path)
	}
	return f.FileSystem.Remove(path)
}

func (f *finFS) SyncDir(dir string) error {
	f.log.add("syncdir")
	return f.FileSystem.SyncDir(dir)
}

type opLog struct {
	mu  sync.Mutex
	ops []string
}

func (l *opLog) add(op string) {
	l.mu.Lock()
	l.ops = append(l.ops, op)
	l.mu.Unlock()
}

func (l *opLog) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.ops)
}

// logStore logs the commits of a Completed record.
type logStore struct {
	*memStore
	log *opLog
}

func (s logStore) PutTask(rec TaskRecord) error {
	if rec.State == StateCompleted {
		s.log.add("commit completed")
	}
	return s.memStore.PutTask(rec)
}

// clone is the store as it is now: what a kill -9 at this instant leaves.
func (s *memStore) clone() *memStore {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := newMemStore()
	c.tasks = maps.Clone(s.tasks)
	for id, segs := range s.segs {
		c.segs[id] = slices.Clone(segs)
	}
	return c
}

// dirNames lists the files in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// addOne queues one download and returns its id.
func addOne(t *testing.T, m *Manager, req Request) string {
	t.Helper()
	ids, err := m.Add(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return ids[0]
}

// A run stopped at the rename (the rename failing, or a kill just before
// or after it) must finish on the next run without fetching the file
// again: no hang at 100 %, no "name (1)".
func TestFinishStoppedAtRename(t *testing.T) {
	f := testserver.File{Size: 3<<20 + 77, Seed: 41}
	sum := "sha256=" + f.SHA256()
	cases := []struct {
		name     string
		checksum string
		// stop is what happens at the rename: the error the rename
		// returns and whether the real rename happens first (a kill
		// after the rename, before the record).
		renameFirst bool
		// reopen runs the next attempt in a new manager on the store as
		// it was at the rename (a kill); false resumes in the same one.
		reopen bool
	}{
		{name: "rename fails once", reopen: false},
		{name: "rename fails once, checksum", checksum: sum, reopen: false},
		{name: "kill before rename", reopen: true},
		{name: "kill before rename, checksum", checksum: sum, reopen: true},
		{name: "kill after rename", renameFirst: true, reopen: true},
		{name: "kill after rename, checksum", checksum: sum, renameFirst: true, reopen: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := testserver.New(testserver.WithFile("/f.bin", f))
			defer srv.Close()
			dir := t.TempDir()
			st := newMemStore()
			var atKill *memStore
			var once sync.Once
			ffs := &finFS{FileSystem: osFS{}, log: &opLog{}}
			ffs.beforeRename = func(from, to string) error {
				var err error
				once.Do(func() {
					if tc.renameFirst {
						if rerr := (osFS{}).Rename(from, to); rerr != nil {
							t.Errorf("rename: %v", rerr)
						}
					}
					atKill = st.clone()
					err = &fs.PathError{Op: "rename", Path: to, Err: syscall.EACCES}
				})
				return err
			}
			m := openTest(t, st, dir, func(c *Config) { c.FS = ffs })
			id := addOne(t, m, Request{URL: srv.URL("/f.bin"), Options: Options{Checksum: checksumOf(t, tc.checksum)}})
			waitState(t, m, id, 30*time.Second, StateFailed, StateCompleted)
			served := srv.Stats().BytesServed
			if tc.reopen {
				m.Close()
				m = openTest(t, atKill, dir, func(c *Config) { c.FS = ffs })
			} else if err := m.Resume(id); err != nil {
				t.Fatal(err)
			}
			s := waitState(t, m, id, 30*time.Second, StateCompleted, StateFailed)
			if s.State != StateCompleted {
				t.Fatalf("state %s: %s", s.State, s.Error)
			}
			if names := dirNames(t, dir); !slices.Equal(names, []string{"f.bin"}) {
				t.Fatalf("folder holds %v, want exactly [f.bin]", names)
			}
			if got := fileSHA(t, filepath.Join(dir, "f.bin")); got != f.SHA256() {
				t.Fatal("final file differs from the server's")
			}
			if again := srv.Stats().BytesServed - served; again != 0 {
				t.Errorf("%d bytes fetched again after every byte was on disk", again)
			}
		})
	}
}

// Pausing or quitting while the last step runs must not undo it: the
// run finished, so the task is Completed and recorded so.
func TestFinishStopWhileFinishing(t *testing.T) {
	f := testserver.File{Size: 1<<20 + 5, Seed: 43}
	for _, cause := range []error{errPaused, errClosing, errRequeue} {
		t.Run(cause.Error(), func(t *testing.T) {
			srv := testserver.New(testserver.WithFile("/f.bin", f))
			defer srv.Close()
			dir := t.TempDir()
			st := newMemStore()
			entered, release := make(chan struct{}), make(chan struct{})
			ffs := &finFS{FileSystem: osFS{}, log: &opLog{}}
			ffs.beforeRename = func(string, string) error {
				close(entered)
				<-release
				return nil
			}
			m := openTest(t, st, dir, func(c *Config) { c.FS = ffs })
			id := addOne(t, m, Request{URL: srv.URL("/f.bin")})
			select {
			case <-entered:
			case <-time.After(30 * time.Second):
				t.Fatal("the run never reached the rename")
			}
			m.mu.Lock()
			for tk := range m.running {
				tk.stopping = true
				tk.cancel(cause)
			}
			m.mu.Unlock()
			close(release)
			s := waitState(t, m, id, 30*time.Second, StateCompleted, StatePaused, StateQueued, StateFailed)
			if s.State != StateCompleted {
				t.Fatalf("state %s after a stop (%v) during the rename, want completed", s.State, cause)
			}
			recs, _ := st.LoadTasks()
			if len(recs) != 1 || recs[0].State != StateCompleted {
				t.Fatalf("stored record %+v, want completed", recs)
			}
		})
	}
}

// The folder is synced after the part file is created and after the
// rename, before the record that depends on it.
func TestFinishSyncsFolderBeforeCommit(t *testing.T) {
	f := testserver.File{Size: 200<<10 + 1, Seed: 44}
	srv := testserver.New(testserver.WithFile("/f.bin", f))
	defer srv.Close()
	dir := t.TempDir()
	log := &opLog{}
	ffs := &finFS{FileSystem: osFS{}, log: log}
	m := openTest(t, logStore{newMemStore(), log}, dir, func(c *Config) { c.FS = ffs })
	id := addOne(t, m, Request{URL: srv.URL("/f.bin")})
	if s := waitState(t, m, id, 30*time.Second, StateCompleted, StateFailed); s.State != StateCompleted {
		t.Fatalf("state %s: %s", s.State, s.Error)
	}
	ops := log.list()
	want := []string{"syncdir", "rename f.bin", "syncdir", "commit completed"}
	if !slices.Equal(ops, want) {
		t.Fatalf("operations %v, want %v", ops, want)
	}
}

// A part file that is not the one the task wrote — a symbolic link
// planted at name.part, or another file of the same size — is never
// written through nor resumed from.
func TestFinishRefusesReplacedPart(t *testing.T) {
	f := testserver.File{Size: 4<<20 + 3, Seed: 45}
	cases := []struct {
		name    string
		replace func(t *testing.T, part, outside string)
	}{
		{"symlink", func(t *testing.T, part, outside string) {
			if err := os.Remove(part); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, part); err != nil {
				t.Skip("no symbolic links here:", err)
			}
		}},
		{"same-size file", func(t *testing.T, part, _ string) {
			b, err := os.ReadFile(part)
			if err != nil {
				t.Fatal(err)
			}
			for i := range b {
				b[i] = 'x'
			}
			if err := os.Remove(part); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(part, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(1<<20))
			defer srv.Close()
			dir, elsewhere := t.TempDir(), t.TempDir()
			outside := filepath.Join(elsewhere, "victim")
			if err := os.WriteFile(outside, make([]byte, f.Size), 0o644); err != nil {
				t.Fatal(err)
			}
			st := newMemStore()
			m := openTest(t, st, dir, nil)
			id := addOne(t, m, Request{URL: srv.URL("/f.bin"), Options: Options{Connections: 2}})
			progressed := make(chan struct{})
			var once sync.Once
			st.mu.Lock()
			st.onSegments = func(_ string, segs []Segment) {
				if doneBytes(segs) > 0 {
					once.Do(func() { close(progressed) })
				}
			}
			st.mu.Unlock()
			select {
			case <-progressed:
			case <-time.After(30 * time.Second):
				t.Fatal("no progress recorded")
			}
			if err := m.Pause(id); err != nil {
				t.Fatal(err)
			}
			waitState(t, m, id, 30*time.Second, StatePaused)
			tc.replace(t, filepath.Join(dir, "f.bin.part"), outside)
			if err := m.Resume(id); err != nil {
				t.Fatal(err)
			}
			s := waitState(t, m, id, 60*time.Second, StateCompleted, StateFailed)
			if s.State != StateCompleted {
				t.Fatalf("state %s: %s", s.State, s.Error)
			}
			if got := fileSHA(t, filepath.Join(dir, "f.bin")); got != f.SHA256() {
				t.Fatal("final file holds bytes that are not the server's")
			}
			if b, _ := os.ReadFile(outside); slices.ContainsFunc(b, func(c byte) bool { return c != 0 }) {
				t.Fatal("bytes were written through the link to a file outside the folder")
			}
			if !slices.ContainsFunc(s.Log, func(e LogEntry) bool { return e.Text == Sentence(ErrPartReplaced) }) {
				t.Errorf("log does not say the part file was replaced: %+v", s.Log)
			}
		})
	}
}

// Remove deletes the part file before the record: a crash in between must
// never leave a part file that no record owns.
func TestFinishRemoveDeletesPartFirst(t *testing.T) {
	f := testserver.File{Size: 4 << 20, Seed: 46}
	srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(1<<20))
	defer srv.Close()
	dir := t.TempDir()
	st := newMemStore()
	var recordThere []bool
	ffs := &finFS{FileSystem: osFS{}, log: &opLog{}}
	ffs.onRemove = func(path string) {
		if filepath.Ext(path) == partSuffix {
			st.mu.Lock()
			recordThere = append(recordThere, len(st.tasks) == 1)
			st.mu.Unlock()
		}
	}
	m := openTest(t, st, dir, func(c *Config) { c.FS = ffs })
	id := addOne(t, m, Request{URL: srv.URL("/f.bin")})
	waitPhase(t, m, id, PhaseDownloading)
	if err := m.Remove(id, false); err != nil {
		t.Fatal(err)
	}
	if len(recordThere) == 0 || !recordThere[0] {
		t.Fatalf("part file removed with the record already gone (%v)", recordThere)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Fatalf("folder still holds %v", names)
	}
}

// A server that sends no headers to the probe is a stall like any other:
// the probe is replaced after StallTimeout and retried, not failed.
func TestProbeStallRetried(t *testing.T) {
	ftShortStall(t, 300*time.Millisecond)
	body := []byte("the file after a silent first answer")
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if first {
			<-r.Context().Done() // silent until the client gives up
			return
		}
		http.ServeContent(w, r, "f.txt", time.Time{}, bytes.NewReader(body))
	}))
	defer srv.Close()
	dir := t.TempDir()
	m := openTest(t, newMemStore(), dir, nil)
	id := addOne(t, m, Request{URL: srv.URL + "/f.txt"})
	s := waitState(t, m, id, 30*time.Second, StateCompleted, StateFailed)
	if s.State != StateCompleted {
		t.Fatalf("state %s: %s", s.State, s.Error)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "f.txt")); !bytes.Equal(b, body) {
		t.Fatalf("file holds %q", b)
	}
}
