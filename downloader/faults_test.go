package downloader

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"haul/downloader/testserver"
)

// Fault tests: every fault the test server can inject, against the whole
// engine. Hang guards are generous; nothing asserts on elapsed time.

const ftGuard = 60 * time.Second

// ftAdd adds one request and returns its id.
func ftAdd(t *testing.T, m *Manager, req Request) string {
	t.Helper()
	ids, err := m.Add(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return ids[0]
}

// ftEnd waits until the task stops running.
func ftEnd(t *testing.T, m *Manager, id string) Snapshot {
	t.Helper()
	return waitState(t, m, id, ftGuard, StateCompleted, StateFailed, StatePaused)
}

// ftWantFile asserts a completed task whose file holds exactly f's bytes
// and that no part file is left in its folder.
func ftWantFile(t *testing.T, s Snapshot, f testserver.File) {
	t.Helper()
	if s.State != StateCompleted {
		t.Fatalf("state %s/%s: %q (log %v)", s.State, s.Phase, s.Error, ftLog(s))
	}
	if s.Error != "" {
		t.Errorf("completed with an error text: %q", s.Error)
	}
	st, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != f.Size {
		t.Fatalf("file is %d bytes, want %d", st.Size(), f.Size)
	}
	if got := fileSHA(t, s.Path()); got != f.SHA256() {
		t.Fatalf("file content differs from the served file (sha %s, want %s)", got, f.SHA256())
	}
	ftNoPart(t, s.Folder)
}

// ftFetch downloads srv's /f.bin over conns connections into a fresh
// folder and asserts it arrived whole.
func ftFetch(t *testing.T, srv *testserver.Server, f testserver.File, conns int) Snapshot {
	t.Helper()
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	id := ftAdd(t, m, Request{URL: srv.URL("/f.bin"), Options: Options{Connections: conns}})
	s := ftEnd(t, m, id)
	ftWantFile(t, s, f)
	return s
}

// ftNoPart asserts no part file is left in dir.
func ftNoPart(t *testing.T, dir string) {
	t.Helper()
	parts, _ := filepath.Glob(filepath.Join(dir, "*"+partSuffix))
	if len(parts) > 0 {
		t.Errorf("part files left behind: %v", parts)
	}
}

// ftNoFiles asserts dir holds no file at all (no final file, no part).
func ftNoFiles(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if len(names) > 0 {
		t.Errorf("files left in the download folder: %q", names)
	}
}

func ftLog(s Snapshot) []string {
	var out []string
	for _, e := range s.Log {
		out = append(out, e.Text)
	}
	return out
}

func ftLogHas(s Snapshot, sub string) bool {
	return slices.ContainsFunc(s.Log, func(e LogEntry) bool { return strings.Contains(e.Text, sub) })
}

// ftShortStall makes stalls detectable in a test's lifetime. Tests that
// call it must not run in parallel.
func ftShortStall(t *testing.T, d time.Duration) {
	old := StallTimeout
	StallTimeout = d
	t.Cleanup(func() { StallTimeout = old })
}

func TestFaultNoRanges(t *testing.T) {
	f := testserver.File{Size: 3<<20 + 17, Seed: 21}
	srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithNoRanges(true))
	defer srv.Close()
	s := ftFetch(t, srv, f, 8)
	if s.Resumable {
		t.Error("a server without ranges is reported resumable")
	}
	st := srv.Stats()
	if st.Requests != 1 || st.PeakInFlight != 1 {
		t.Errorf("%d requests, %d at once; want one single connection", st.Requests, st.PeakInFlight)
	}
	if st.BytesServed != f.Size {
		t.Errorf("served %d bytes for a %d-byte file", st.BytesServed, f.Size)
	}
}

func TestFaultUnknownLength(t *testing.T) {
	f := testserver.File{Size: 3<<20 + 5, Seed: 22}
	cases := []struct {
		name string
		// cut, when >= 0, truncates every body after cut bytes.
		cut int64
		// heal turns the cut off once the server made one.
		heal bool
		want State
	}{
		{name: "clean", cut: testserver.Off, want: StateCompleted},
		{name: "cut once", cut: 1 << 20, heal: true, want: StateCompleted},
		{name: "always cut", cut: 1 << 20, want: StateFailed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithUnknownLength(true),
				testserver.WithTruncate(c.cut))
			defer srv.Close()
			dir := t.TempDir()
			m := openTest(t, newMemStore(), dir, nil)
			id := ftAdd(t, m, Request{URL: srv.URL("/f.bin"), Options: Options{Connections: 4}})
			if c.heal {
				ftWaitServer(t, srv, func(st testserver.Stats) bool { return st.Cuts > 0 })
				srv.Set(testserver.WithTruncate(testserver.Off))
			}
			s := ftEnd(t, m, id)
			if s.State == StateCompleted {
				// Whatever was asked, a completed file must be the file.
				ftWantFile(t, s, f)
			}
			if s.State != c.want {
				t.Fatalf("state %s (%q), want %s; log %q", s.State, s.Error, c.want, ftLog(s))
			}
			if c.want == StateCompleted {
				if c.heal && !ftLogHas(s, "cannot resume; starting over") {
					t.Errorf("log does not explain the restart: %q", ftLog(s))
				}
				if s.Size != f.Size {
					t.Errorf("size %d recorded, want %d", s.Size, f.Size)
				}
				ftNoSplits(t, srv)
				return
			}
			t.Logf("failed with %q; log %q", s.Error, ftLog(s))
			// The file never changed: the sentence must not say so.
			if !strings.Contains(s.Error, "cannot resume") || strings.Contains(s.Error, "chang") {
				t.Errorf("error %q does not say the server cannot resume a broken download", s.Error)
			}
			if _, err := os.Stat(filepath.Join(dir, "f.bin")); err == nil {
				t.Error("a final file exists for a download that never completed")
			}
		})
	}
}

// ftNoSplits asserts the server only ever saw open-ended ranges: the
// engine never split the file across connections.
func ftNoSplits(t *testing.T, srv *testserver.Server) {
	t.Helper()
	for _, r := range srv.Stats().Ranges {
		// The probe's bytes=0-N is how the engine learns ranges are not
		// done (a 200 answer); any later range must be open-ended.
		if !strings.HasSuffix(r, "-") && !strings.HasPrefix(r, "bytes=0-") {
			t.Errorf("bounded range %q asked of a server that cannot do ranges", r)
		}
	}
}

// ftWaitServer polls the server's counters until ok (a hang guard only).
func ftWaitServer(t *testing.T, srv *testserver.Server, ok func(testserver.Stats) bool) {
	t.Helper()
	deadline := time.Now().Add(ftGuard)
	for !ok(srv.Stats()) {
		if time.Now().After(deadline) {
			t.Fatalf("server never reached the wanted state: %+v", srv.Stats())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestFaultRemoteChanged(t *testing.T) {
	const size = 4 << 20
	old := testserver.File{Size: size, Seed: 31}
	cases := []struct {
		name string
		old  testserver.File
		next testserver.File
		// during: replace through Server.Replace after some progress
		// instead of WithChangeAfter.
		during bool
	}{
		{name: "same size, new etag", old: old, next: testserver.File{Size: size, Seed: 32}},
		{name: "new size", old: old, next: testserver.File{Size: size + 12345, Seed: 33}},
		{name: "last-modified only", old: testserver.File{Size: size, Seed: 34, NoETag: true},
			next: testserver.File{Size: size, Seed: 35, NoETag: true}},
		{name: "replaced during the download", old: old, next: testserver.File{Size: size, Seed: 36}, during: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Bodies are cut every 512 KiB so connections keep asking for
			// ranges after the change; with all ranges requested before it,
			// the old file would (correctly) arrive whole and untouched.
			srv := testserver.New(testserver.WithFile("/f.bin", c.old), testserver.WithPerConnRate(2<<20),
				testserver.WithResetAfter(512<<10))
			defer srv.Close()
			if !c.during {
				srv.Set(testserver.WithChangeAfter("/f.bin", 1<<20, c.next))
			}
			dir := t.TempDir()
			m := openTest(t, newMemStore(), dir, nil)
			id := ftAdd(t, m, Request{URL: srv.URL("/f.bin"), Options: Options{Connections: 8}})
			if c.during {
				waitProgress(t, m, id, 1<<20)
				srv.Replace("/f.bin", c.next.Seed)
			}
			s := ftEnd(t, m, id)
			// Never a splice: the file is exactly the new one.
			ftWantFile(t, s, c.next)
			if v, _ := srv.File("/f.bin"); s.Size != c.next.Size || s.ETag != v.ETag || s.LastModified != v.LastModified {
				t.Errorf("record describes another version: size %d etag %s lm %s; server has %d %s %s",
					s.Size, s.ETag, s.LastModified, v.Size, v.ETag, v.LastModified)
			}
			if !ftLogHas(s, "starting over") {
				t.Errorf("log does not say it started over: %q", ftLog(s))
			}
		})
	}
}

func TestFaultResets(t *testing.T) {
	f := testserver.File{Size: 6<<20 + 99, Seed: 41}
	cases := []struct {
		name    string
		reset   testserver.Reset
		minCuts int64
	}{
		// Eight connections share 6 MiB, so each first range (about 768
		// KiB) outlasts 300 KiB: at least eight cuts whatever the later
		// splits. 13–17 were seen; 15 was too tight under -race.
		{"every body after 300 KiB", testserver.Reset{After: 300 << 10}, 8},
		{"abortive, every second body after 200 KiB", testserver.Reset{After: 200 << 10, Every: 2, Abortive: true}, 2},
		{"abortive at once, one body in three", testserver.Reset{After: 0, Every: 3, Abortive: true}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithReset(c.reset),
				testserver.WithPerConnRate(4<<20))
			defer srv.Close()
			ftFetch(t, srv, f, 8)
			st := srv.Stats()
			if st.Cuts < c.minCuts {
				t.Errorf("only %d cuts: the fault did not bite", st.Cuts)
			}
			if st.PeakInFlight < 2 {
				t.Errorf("peak %d connections, want several", st.PeakInFlight)
			}
		})
	}
}

// TestFaultStraggler: one response crawls at 16 KiB/s while the others run
// at 1 MiB/s. Its range is asked for again instead of waiting on it.
func TestFaultStraggler(t *testing.T) {
	f := testserver.File{Size: 24 << 20, Seed: 43}
	srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(1<<20),
		// The 2nd ranged GET is the first one after the probe's.
		testserver.WithSlowConn(testserver.SlowConn{Nth: 2, Rate: 16 << 10}))
	defer srv.Close()
	s := ftFetch(t, srv, f, 8)
	if !ftLogHas(s, "asked for its range again") {
		t.Errorf("the straggler was not asked again; log %q", ftLog(s))
	}
}

func TestFaultServerErrorsRetried(t *testing.T) {
	f := testserver.File{Size: 2 << 20, Seed: 51}
	cases := []struct {
		name string
		// atStart applies before the probe; later after some progress.
		atStart, later testserver.Option
		refused        int64
	}{
		{name: "5xx at the probe", atStart: testserver.WithFail5xx(2, 500), refused: 2},
		{name: "5xx burst mid-download", later: testserver.WithFail5xx(5, 502), refused: 5},
		{name: "429 with Retry-After", atStart: testserver.WithStatus429(2, "1"), refused: 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := []testserver.Option{testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(2 << 20)}
			if c.atStart != nil {
				opts = append(opts, c.atStart)
			}
			srv := testserver.New(opts...)
			defer srv.Close()
			dir := t.TempDir()
			m := openTest(t, newMemStore(), dir, nil)
			id := ftAdd(t, m, Request{URL: srv.URL("/f.bin"), Options: Options{Connections: 4}})
			if c.later != nil {
				waitProgress(t, m, id, 256<<10)
				srv.Set(c.later)
			}
			s := ftEnd(t, m, id)
			ftWantFile(t, s, f)
			if got := srv.Stats().Refused; got != c.refused && c.later == nil {
				t.Errorf("%d refused requests, want %d", got, c.refused)
			}
		})
	}
}

func TestFaultNotFound(t *testing.T) {
	srv := testserver.New(testserver.WithFile("/f.bin", testserver.File{Size: 1000, Seed: 1}))
	defer srv.Close()
	dir := t.TempDir()
	m := openTest(t, newMemStore(), dir, nil)
	id := ftAdd(t, m, Request{URL: srv.URL("/missing.bin")})
	s := ftEnd(t, m, id)
	if s.State != StateFailed {
		t.Fatalf("state %s, want failed", s.State)
	}
	if !strings.Contains(s.Error, "404") || !strings.Contains(s.Error, "does not exist") {
		t.Errorf("error %q does not explain the 404", s.Error)
	}
	if n := srv.Stats().Requests; n != 1 {
		t.Errorf("a 404 was asked %d times; it is not worth a retry", n)
	}
	// Nothing was learnt, nothing to resume: no file of any kind.
	ftNoFiles(t, dir)
}

func TestFaultStall(t *testing.T) {
	ftShortStall(t, time.Second)
	f := testserver.File{Size: 2 << 20, Seed: 61}
	for _, conns := range []int{1, 4} {
		t.Run(fmt.Sprint(conns, " connections"), func(t *testing.T) {
			// Every body running at first stalls for far longer than the
			// test may last; only replacing them can finish the download.
			srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithStall(256<<10, 10*time.Minute))
			defer srv.Close()
			dir := t.TempDir()
			m := openTest(t, newMemStore(), dir, nil)
			id := ftAdd(t, m, Request{URL: srv.URL("/f.bin"), Options: Options{Connections: conns}})
			waitProgress(t, m, id, 256<<10)
			// The probe's stream has stalled by now; new bodies are healthy.
			srv.Set(testserver.WithStall(0, 0))
			s := ftEnd(t, m, id)
			ftWantFile(t, s, f)
			if n := srv.Stats().Requests; n < 2 {
				t.Errorf("%d requests: the stalled connection was not replaced", n)
			}
		})
	}
}

func TestFaultConnectionCap(t *testing.T) {
	f := testserver.File{Size: 8 << 20, Seed: 71}
	for _, c := range []struct {
		status int
		retry  string
		max    int
	}{{503, "", 4}, {429, "1", 4}, {503, "2", 4}, {403, "", 4}, {403, "", 2}, {403, "", 1}} {
		t.Run(fmt.Sprint(c.status, " ", c.retry, " max ", c.max), func(t *testing.T) {
			srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(2<<20),
				testserver.WithMaxConns(c.max, c.status, c.retry))
			defer srv.Close()
			dir := t.TempDir()
			m := openTest(t, newMemStore(), dir, nil)
			id := ftAdd(t, m, Request{URL: srv.URL("/f.bin"), Options: Options{Connections: 16}})
			s := ftEnd(t, m, id)
			ftWantFile(t, s, f)
			if srv.Stats().Refused == 0 {
				t.Fatal("the server never refused a connection: the test proves nothing")
			}
			re := regexp.MustCompile(`refused more connections; using (\d+)`)
			settled := 0
			for _, line := range ftLog(s) {
				if mm := re.FindStringSubmatch(line); mm != nil {
					settled, _ = strconv.Atoi(mm[1])
				}
			}
			if settled != c.max {
				t.Errorf("log does not say it settled on the %d connections allowed: %q", c.max, ftLog(s))
			}
			if peak := srv.Stats().PeakInFlight; peak > c.max {
				t.Errorf("peak %d in flight with a cap of %d", peak, c.max)
			}
		})
	}
}

func TestFaultChecksum(t *testing.T) {
	f := testserver.File{Size: 1<<20 + 3, Seed: 81}
	srv := testserver.New(testserver.WithFile("/f.bin", f))
	defer srv.Close()
	wrong := "sha256=" + strings.Repeat("ab", 32)
	cases := []struct {
		name, sum string
		want      State
	}{
		{"right", "sha256=" + f.SHA256(), StateCompleted},
		{"right, upper case bare hex", strings.ToUpper(f.SHA256()), StateCompleted},
		{"wrong", wrong, StateFailed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			m := openTest(t, newMemStore(), dir, nil)
			id := ftAdd(t, m, Request{URL: srv.URL("/f.bin"), Options: Options{Connections: 4, Checksum: checksumOf(t, c.sum)}})
			s := ftEnd(t, m, id)
			if c.want == StateCompleted {
				ftWantFile(t, s, f)
				return
			}
			if s.State != StateFailed {
				t.Fatalf("state %s, want failed", s.State)
			}
			if !strings.Contains(strings.ToLower(s.Error), "checksum") {
				t.Errorf("error %q does not mention the checksum", s.Error)
			}
			ftNoFiles(t, dir)
			if s.Done != 0 {
				t.Errorf("record still claims %d bytes of a file that was thrown away", s.Done)
			}
		})
	}
	t.Run("bad syntax", func(t *testing.T) {
		m := openTest(t, newMemStore(), t.TempDir(), nil)
		for _, text := range []string{"sha256=xyz", "crc32=00000000", "sha256=" + strings.Repeat("0", 63), "abc"} {
			if _, err := ParseChecksum(text); !errors.Is(err, ErrBadChecksum) {
				t.Errorf("ParseChecksum(%q) = %v, want ErrBadChecksum", text, err)
			}
		}
		// A Checksum built by hand rather than parsed is checked too.
		for _, sum := range []Checksum{{Algo: "crc32", Sum: make([]byte, 4)}, {Algo: "sha256", Sum: make([]byte, 31)}, {Sum: []byte{1}}} {
			ids, err := m.Add(context.Background(), Request{URL: srv.URL("/f.bin"), Options: Options{Checksum: sum}})
			if !errors.Is(err, ErrBadChecksum) {
				t.Errorf("checksum %q: Add error %v, want ErrBadChecksum", sum, err)
			}
			if len(ids) != 1 || ids[0] != "" {
				t.Errorf("checksum %q: a task was added: %q", sum, ids)
			}
		}
		if n := len(m.List()); n != 0 {
			t.Errorf("%d tasks exist after rejected adds", n)
		}
	})
}

func TestFaultRedirects(t *testing.T) {
	f := testserver.File{Size: 512 << 10, Seed: 91}
	srv := testserver.New(testserver.WithFile("/f.bin", f))
	defer srv.Close()
	cases := []struct {
		name    string
		path    string
		want    State
		errHas  string
		minHops int64
	}{
		{name: "three hops", path: testserver.RedirectPath(3, "/f.bin"), want: StateCompleted, minHops: 3},
		{name: "ten hops is the limit", path: testserver.RedirectPath(10, "/f.bin"), want: StateCompleted, minHops: 10},
		{name: "eleven hops", path: testserver.RedirectPath(11, "/f.bin"), want: StateFailed, errHas: "redirects too many times"},
		{name: "to ftp", path: testserver.SchemePath("/f.bin"), want: StateFailed, errHas: "not a valid http or https link"},
		{name: "to file", path: testserver.RedirectTo("file:///etc/passwd"), want: StateFailed, errHas: "not a valid http or https link"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := srv.Stats().Redirects
			dir := t.TempDir()
			m := openTest(t, newMemStore(), dir, nil)
			id := ftAdd(t, m, Request{URL: srv.URL(c.path), Options: Options{Connections: 4}})
			s := ftEnd(t, m, id)
			if c.want == StateCompleted {
				ftWantFile(t, s, f)
				if s.FinalURL != srv.URL("/f.bin") {
					t.Errorf("FinalURL %q, want %q", s.FinalURL, srv.URL("/f.bin"))
				}
				if s.URL != srv.URL(c.path) {
					t.Errorf("URL changed to %q", s.URL)
				}
				if hops := srv.Stats().Redirects - before; hops < c.minHops {
					t.Errorf("%d redirects followed, want %d", hops, c.minHops)
				}
				return
			}
			if s.State != c.want || !strings.Contains(s.Error, c.errHas) {
				t.Fatalf("state %s, error %q; want %s with %q", s.State, s.Error, c.want, c.errHas)
			}
			ftNoFiles(t, dir)
		})
	}
}

func TestFaultExpiringRedirectOnResume(t *testing.T) {
	f := testserver.File{Size: 3 << 20, Seed: 92}
	for _, conns := range []int{1, 4} {
		t.Run(fmt.Sprint(conns, " connections"), func(t *testing.T) {
			srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(1<<20))
			defer srv.Close()
			dir := t.TempDir()
			m := openTest(t, newMemStore(), dir, nil)
			orig := srv.URL(testserver.ExpiringPath("/f.bin"))
			id := ftAdd(t, m, Request{URL: orig, Options: Options{Connections: conns}})
			waitProgress(t, m, id, 512<<10)
			if err := m.Pause(id); err != nil {
				t.Fatal(err)
			}
			s := waitState(t, m, id, ftGuard, StatePaused)
			if !strings.Contains(s.FinalURL, "/once/") {
				t.Fatalf("FinalURL %q is not the one-shot link", s.FinalURL)
			}
			srv.Set(testserver.WithPerConnRate(0))
			served := srv.Stats().BytesServed
			if err := m.Resume(id); err != nil {
				t.Fatal(err)
			}
			s = ftEnd(t, m, id)
			ftWantFile(t, s, f)
			if !ftLogHas(s, "original link") {
				t.Errorf("log does not say it went back to the original link: %q", ftLog(s))
			}
			if ftLogHas(s, "refused more connections") {
				t.Errorf("an expired link was taken for a connection cap: %q", ftLog(s))
			}
			if again := srv.Stats().BytesServed - served; again >= f.Size {
				t.Errorf("resume fetched %d bytes of %d: it started over", again, f.Size)
			}
		})
	}
}

func TestFaultTruncateAndLie(t *testing.T) {
	f := testserver.File{Size: 3<<20 + 1, Seed: 101}
	cases := []struct {
		name string
		opts []testserver.Option
		want State
	}{
		{"truncated bodies", []testserver.Option{testserver.WithTruncate(700 << 10)}, StateCompleted},
		{"longer than announced", []testserver.Option{testserver.WithLieLength(100 << 10)}, StateCompleted},
		{"longer than announced, no ranges", []testserver.Option{testserver.WithLieLength(100 << 10), testserver.WithNoRanges(true)}, StateCompleted},
		{"truncated, no ranges", []testserver.Option{testserver.WithTruncate(700 << 10), testserver.WithNoRanges(true)}, StateFailed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := testserver.New(append([]testserver.Option{testserver.WithFile("/f.bin", f)}, c.opts...)...)
			defer srv.Close()
			dir := t.TempDir()
			st := newMemStore()
			var mu sync.Mutex
			var bad []string
			st.onSegments = func(id string, segs []Segment) {
				// Under st.mu: read the record directly.
				rec := st.tasks[id]
				if rec.Name == "" || rec.Size < 0 {
					return
				}
				for _, p := range []string{filepath.Join(rec.Folder, rec.Name+partSuffix), filepath.Join(rec.Folder, rec.Name)} {
					if fi, err := os.Stat(p); err == nil && fi.Size() > f.Size {
						mu.Lock()
						bad = append(bad, fmt.Sprintf("%s is %d bytes", p, fi.Size()))
						mu.Unlock()
					}
				}
				if d := doneBytes(segs); d > f.Size {
					mu.Lock()
					bad = append(bad, fmt.Sprintf("record claims %d bytes", d))
					mu.Unlock()
				}
			}
			m := openTest(t, st, dir, nil)
			id := ftAdd(t, m, Request{URL: srv.URL("/f.bin"), Options: Options{Connections: 4}})
			s := ftEnd(t, m, id)
			if s.State == StateCompleted || c.want == StateCompleted {
				ftWantFile(t, s, f)
			}
			if s.State != c.want {
				t.Fatalf("state %s (%q), want %s", s.State, s.Error, c.want)
			}
			if c.want == StateFailed {
				t.Logf("failed with %q; log %q", s.Error, ftLog(s))
				if !strings.Contains(s.Error, "cannot resume") || strings.Contains(s.Error, "chang") {
					t.Errorf("error %q does not say the server cannot resume a broken download", s.Error)
				}
				if _, err := os.Stat(filepath.Join(dir, "f.bin")); err == nil {
					t.Error("a final file exists for a failed download")
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if len(bad) > 0 {
				t.Errorf("longer than announced: %q", bad)
			}
		})
	}
}

func TestFaultPauseResume(t *testing.T) {
	f := testserver.File{Size: 6<<20 + 7, Seed: 111}
	srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(1<<20))
	defer srv.Close()
	dir := t.TempDir()
	st := newMemStore()
	m := openTest(t, st, dir, nil)
	id := ftAdd(t, m, Request{URL: srv.URL("/f.bin"), Options: Options{Connections: 4}})
	waitProgress(t, m, id, 2<<20)
	if err := m.Pause(id); err != nil {
		t.Fatal(err)
	}
	s := waitState(t, m, id, ftGuard, StatePaused)
	if s.Error != "" {
		t.Errorf("paused with an error: %q", s.Error)
	}
	st.mu.Lock()
	stored := doneBytes(st.segs[id])
	st.mu.Unlock()
	if stored < 1<<20 {
		t.Fatalf("only %d bytes recorded at pause", stored)
	}
	if _, err := os.Stat(filepath.Join(dir, "f.bin"+partSuffix)); err != nil {
		t.Fatalf("part file gone after pause: %v", err)
	}
	srv.Set(testserver.WithPerConnRate(0))
	if err := m.Resume(id); err != nil {
		t.Fatal(err)
	}
	s = ftEnd(t, m, id)
	ftWantFile(t, s, f)
	if served := srv.Stats().BytesServed; served > f.Size+f.Size/2 {
		t.Errorf("served %d bytes for a %d-byte file: resume did not continue", served, f.Size)
	}
}

func TestFaultCloseAndReopen(t *testing.T) {
	f := testserver.File{Size: 6<<20 + 7, Seed: 121}
	srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(1<<20))
	defer srv.Close()
	dir := t.TempDir()
	st := newMemStore()
	m1, err := Open(context.Background(), Config{Store: st, DefaultFolder: dir})
	if err != nil {
		t.Fatal(err)
	}
	id := ftAdd(t, m1, Request{URL: srv.URL("/f.bin"), Options: Options{Connections: 4}})
	waitProgress(t, m1, id, 2<<20)
	if err := m1.Close(); err != nil {
		t.Fatal(err)
	}
	st.mu.Lock()
	stored := doneBytes(st.segs[id])
	state := st.tasks[id].State
	st.mu.Unlock()
	if stored < 1<<20 {
		t.Fatalf("only %d bytes recorded at close", stored)
	}
	if state != StateActive {
		t.Errorf("stored state %s after close, want active (continues on open)", state)
	}
	srv.Set(testserver.WithPerConnRate(0))
	srv.ResetStats()
	m2 := openTest(t, st, dir, nil)
	s := ftEnd(t, m2, id)
	ftWantFile(t, s, f)
	st2 := srv.Stats()
	if st2.BytesServed > f.Size-stored+f.Size/4 {
		t.Errorf("after reopen served %d bytes, %d were on disk of %d: started over?", st2.BytesServed, stored, f.Size)
	}
	for _, r := range st2.Ranges {
		if strings.HasPrefix(r, "bytes=0-") {
			t.Errorf("reopen probed from zero again: ranges %q", st2.Ranges)
			break
		}
	}
}

// ftIvals is a set of byte ranges, kept sorted and merged.
type ftIvals [][2]int64

func (s ftIvals) add(a, b int64) ftIvals {
	if a >= b {
		return s
	}
	out := make(ftIvals, 0, len(s)+1)
	for _, iv := range s {
		if iv[1] < a || iv[0] > b {
			out = append(out, iv)
			continue
		}
		a, b = min(a, iv[0]), max(b, iv[1])
	}
	out = append(out, [2]int64{a, b})
	slices.SortFunc(out, func(x, y [2]int64) int { return compareInt(x[0], y[0]) })
	return out
}

func (s ftIvals) covers(a, b int64) bool {
	if a >= b {
		return true
	}
	for _, iv := range s {
		if iv[0] <= a && b <= iv[1] {
			return true
		}
	}
	return false
}

func (s ftIvals) cut(size int64) ftIvals {
	var out ftIvals
	for _, iv := range s {
		if iv[0] >= size {
			continue
		}
		out = append(out, [2]int64{iv[0], min(iv[1], size)})
	}
	return out
}

// ftRecFS records, per part file, which bytes were written and which of
// those a completed Sync made durable.
type ftRecFS struct {
	FileSystem
	mu    sync.Mutex
	files map[string]*ftRecState
	syncs int
}

type ftRecState struct {
	written, synced ftIvals
}

type ftRecFile struct {
	PartFile
	fs   *ftRecFS
	path string
}

func (r *ftRecFS) OpenPart(path string, create bool) (PartFile, error) {
	f, err := r.FileSystem.OpenPart(path, create)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	if create || r.files[path] == nil {
		r.files[path] = &ftRecState{}
	}
	r.mu.Unlock()
	return &ftRecFile{PartFile: f, fs: r, path: path}, nil
}

func (f *ftRecFile) WriteAt(b []byte, off int64) (int, error) {
	n, err := f.PartFile.WriteAt(b, off)
	if n > 0 {
		f.fs.mu.Lock()
		st := f.fs.files[f.path]
		st.written = st.written.add(off, off+int64(n))
		f.fs.mu.Unlock()
	}
	return n, err
}

func (f *ftRecFile) Sync() error {
	// Only writes finished before the sync began are surely durable.
	f.fs.mu.Lock()
	pending := slices.Clone(f.fs.files[f.path].written)
	f.fs.mu.Unlock()
	if err := f.PartFile.Sync(); err != nil {
		return err
	}
	f.fs.mu.Lock()
	st := f.fs.files[f.path]
	for _, iv := range pending {
		st.synced = st.synced.add(iv[0], iv[1])
	}
	f.fs.syncs++
	f.fs.mu.Unlock()
	return nil
}

func (f *ftRecFile) Truncate(size int64) error {
	f.fs.mu.Lock()
	st := f.fs.files[f.path]
	st.written, st.synced = st.written.cut(size), st.synced.cut(size)
	f.fs.mu.Unlock()
	return f.PartFile.Truncate(size)
}

// syncedCovers reports whether [a, b) of path was written and synced.
func (r *ftRecFS) syncedCovers(path string, a, b int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.files[path]
	if st == nil {
		return a >= b
	}
	return st.synced.covers(a, b)
}

func TestFaultPowerLossOrder(t *testing.T) {
	f := testserver.File{Size: 8<<20 + 4097, Seed: 131}
	for _, churn := range []bool{false, true} {
		name := "resets"
		if churn {
			name = "resets and option changes while running"
		}
		t.Run(name, func(t *testing.T) {
			srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(2<<20),
				testserver.WithReset(testserver.Reset{After: 400 << 10, Every: 2}))
			defer srv.Close()
			dir := t.TempDir()
			rfs := &ftRecFS{FileSystem: osFS{}, files: map[string]*ftRecState{}}
			st := newMemStore()
			var mu sync.Mutex
			var bad []string
			commits, claimed := 0, 0
			st.onSegments = func(id string, segs []Segment) {
				rec := st.tasks[id] // st.mu is held by the caller
				if rec.State == StateCompleted {
					return // renamed: the final sync was checked by the last checkpoint
				}
				path := filepath.Join(rec.Folder, rec.Name+partSuffix)
				mu.Lock()
				defer mu.Unlock()
				commits++
				for _, s := range segs {
					if s.Done == 0 {
						continue
					}
					claimed++
					if !rfs.syncedCovers(path, s.Start, s.Start+s.Done) {
						bad = append(bad, fmt.Sprintf("commit %d claims [%d,%d) of %s before it was synced", commits, s.Start, s.Start+s.Done, filepath.Base(path)))
					}
				}
			}
			m := openTest(t, st, dir, func(c *Config) { c.FS = rfs })
			id := ftAdd(t, m, Request{URL: srv.URL("/f.bin"), Options: Options{Connections: 8}})
			stop := make(chan struct{})
			var wg sync.WaitGroup
			if churn {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						case <-time.After(20 * time.Millisecond):
						}
						_ = m.SetOptions(id, Options{Connections: 6 + i%3})
					}
				}()
			}
			s := ftEnd(t, m, id)
			close(stop)
			wg.Wait()
			ftWantFile(t, s, f)
			mu.Lock()
			defer mu.Unlock()
			if claimed == 0 {
				t.Fatalf("no commit claimed any byte (%d commits): the check proves nothing", commits)
			}
			if len(bad) > 0 {
				t.Errorf("%d claimed ranges in %d commits broke the resume invariant; first: %s", len(bad), commits, bad[0])
			}
			if srv.Stats().Cuts == 0 {
				t.Error("no connection was reset")
			}
		})
	}
}

// ftMountTmpfs mounts a tmpfs of size bytes on a fresh directory, or skips.
func ftMountTmpfs(t *testing.T, size int64) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("disk-full test needs root to mount a small tmpfs")
	}
	dir := filepath.Join(t.TempDir(), "small")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		t.Skipf("cannot mount a tmpfs (%v: %s)", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

func TestFaultDiskFull(t *testing.T) {
	t.Run("too small before the start", func(t *testing.T) {
		dir := ftMountTmpfs(t, 4<<20)
		f := testserver.File{Size: 6 << 20, Seed: 141}
		srv := testserver.New(testserver.WithFile("/f.bin", f))
		defer srv.Close()
		m := openTest(t, newMemStore(), dir, nil)
		id := ftAdd(t, m, Request{URL: srv.URL("/f.bin")})
		s := ftEnd(t, m, id)
		if s.State == StateCompleted {
			t.Fatal("a 6 MiB file completed on a 4 MiB disk")
		}
		if !strings.Contains(s.Error, "Not enough disk space") {
			t.Errorf("state %s, error %q: want the not-enough-space sentence", s.State, s.Error)
		}
		// Nothing was downloaded, so nothing may be left either: a stale
		// empty part would also push the retry to another name.
		ftNoFiles(t, dir)
		if s.Done != 0 {
			t.Errorf("record claims %d bytes", s.Done)
		}
	})
	t.Run("fills up mid-download", func(t *testing.T) {
		dir := ftMountTmpfs(t, 8<<20)
		f := testserver.File{Size: 6 << 20, Seed: 142}
		srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(1<<20))
		defer srv.Close()
		m := openTest(t, newMemStore(), dir, nil)
		id := ftAdd(t, m, Request{URL: srv.URL("/f.bin"), Options: Options{Connections: 2}})
		waitProgress(t, m, id, 1<<20)
		// Another program takes every free byte.
		filler := filepath.Join(dir, "filler")
		ftFill(t, filler)
		s := ftEnd(t, m, id)
		if s.State != StatePaused {
			t.Fatalf("state %s (%q) on a full disk, want paused", s.State, s.Error)
		}
		if !strings.Contains(s.Error, "disk is full") {
			t.Errorf("error %q lacks the disk-full sentence", s.Error)
		}
		if s.Done == 0 {
			t.Error("progress lost on disk full")
		}
		served := srv.Stats().BytesServed
		if err := os.Remove(filler); err != nil {
			t.Fatal(err)
		}
		srv.Set(testserver.WithPerConnRate(0))
		if err := m.Resume(id); err != nil {
			t.Fatal(err)
		}
		s2 := ftEnd(t, m, id)
		ftWantFile(t, s2, f)
		if again := srv.Stats().BytesServed - served; again > f.Size-s.Done+f.Size/4 {
			t.Errorf("resume after disk full fetched %d bytes with %d of %d kept: something was lost", again, s.Done, f.Size)
		}
	})
}

// ftFill writes to path until the disk is full.
func ftFill(t *testing.T, path string) {
	t.Helper()
	w, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	buf := make([]byte, 64<<10)
	for {
		if _, err := w.Write(buf); err != nil {
			return
		}
	}
}
