package downloader

import (
	"strings"
	"testing"

	"haul/downloader/testserver"
)

// Servers that lie or fall short but still have the file: the task must
// finish with the served bytes, and the log must say what the server did.
func TestLiarsFinishTheFile(t *testing.T) {
	f := testserver.File{Size: 3<<20 + 7, Seed: 1201}
	for _, tc := range []struct {
		name   string
		liar   testserver.Liar
		logHas string // a sentence the log must carry, "" = none
	}{
		// Kind 2: every range but bytes=0- is answered 200, same ETag.
		{name: "ranges only from zero", liar: testserver.Liar{RangesFromZeroOnly: true}, logHas: "whole file (same version)"},
		// Kind 3: Content-Length one byte short of the Content-Range.
		{name: "content-length short by one", liar: testserver.Liar{ShortBy: 1}, logHas: "asking for the whole file"},
		{name: "content-length short by a lot", liar: testserver.Liar{ShortBy: 1 << 20}, logHas: "asking for the whole file"},
		// Short but honest: every 206 covers at most 300 KB and says so.
		{name: "honest short ranges", liar: testserver.Liar{MaxRange: 300 << 10}},
		// Found beyond the issue: 206 answers of later ranges gzip-encoded.
		{name: "later ranges gzip-encoded", liar: testserver.Liar{GzipRanges: true}, logHas: "Content-Encoding"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(4<<20), testserver.WithLiar(tc.liar))
			defer srv.Close()
			s := ftFetch(t, srv, f, 4)
			if tc.logHas != "" && !ftLogHas(s, tc.logHas) {
				t.Errorf("log lacks %q: %q", tc.logHas, ftLog(s))
			}
			if ftLogHas(s, "changed") {
				t.Errorf("an unchanged file was taken for a changed one: %q", ftLog(s))
			}
			t.Logf("log: %q", ftLog(s))
			if st := srv.Stats(); st.Requests > 64 {
				t.Errorf("%d requests for one file: a retry loop", st.Requests)
			}
		})
	}
}

// Kind 1: after a pause the file is replaced by one of the same size and
// the server ignores If-Range: the resumed 206 carries the new ETag and
// must never be joined to the old head.
func TestLiarIgnoresIfRangeAfterReplace(t *testing.T) {
	f := testserver.File{Size: 4 << 20, Seed: 1202}
	for _, tc := range []struct {
		name string
		file testserver.File
	}{
		{"strong etag", f},
		{"last-modified only", testserver.File{Size: f.Size, Seed: f.Seed, NoETag: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := testserver.New(testserver.WithFile("/f.bin", tc.file), testserver.WithPerConnRate(1<<20),
				testserver.WithLiar(testserver.Liar{IgnoreIfRange: true}))
			defer srv.Close()
			m := openTest(t, newMemStore(), t.TempDir(), nil)
			id := ftAdd(t, m, Request{URL: srv.URL("/f.bin"), Options: Options{Connections: 4}})
			s := ftPauseAt(t, m, id, 1<<20, func() {
				srv.Replace("/f.bin", 9999)
				srv.Set(testserver.WithPerConnRate(0))
			})
			v, _ := srv.File("/f.bin")
			ftWantFile(t, s, v.File)
			if !ftLogHas(s, "changed") {
				t.Errorf("log does not say the file changed: %q", ftLog(s))
			}
		})
	}
}

// Kind 3's other half: answers that are not usable HTTP fail with a
// sentence after one different try, never an endless "waiting".
func TestLiarsBrokenAnswersFail(t *testing.T) {
	f := testserver.File{Size: 1 << 20, Seed: 1203}
	for _, b := range []struct {
		name string
		kind testserver.Broken
	}{
		{"not http", testserver.BrokenNotHTTP},
		{"two content-lengths", testserver.BrokenDoubleLength},
		{"content-length not a number", testserver.BrokenBadLength},
		{"11 MB header", testserver.BrokenHugeHeader},
	} {
		t.Run(b.name, func(t *testing.T) {
			srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithLiar(testserver.Liar{Broken: b.kind}))
			defer srv.Close()
			m := openTest(t, newMemStore(), t.TempDir(), nil)
			id := ftAdd(t, m, Request{URL: srv.URL("/f.bin")})
			s := ftEnd(t, m, id)
			if s.State != StateFailed || s.ErrorKind != KindBadResponse {
				t.Fatalf("state %s kind %q (%q), want failed %q", s.State, s.ErrorKind, s.Error, KindBadResponse)
			}
			t.Logf("sentence: %s", s.Error)
			if !strings.HasPrefix(s.Error, "The server sent an answer Haul cannot use") {
				t.Errorf("sentence %q", s.Error)
			}
			if n := srv.Stats().Requests; n > 4 {
				t.Errorf("%d requests: retried more than once a different way", n)
			}
		})
	}
}

// Kind 6: an empty file whose bytes=0- gets a bare 416.
func TestLiarEmptyFileBare416(t *testing.T) {
	f := testserver.File{Size: 0, Seed: 1204}
	srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithLiar(testserver.Liar{Bare416: true}))
	defer srv.Close()
	ftFetch(t, srv, f, 4)
}

// Found beyond the issue: a redirect to a host that ignores ranges.
func TestRedirectToHostWithoutRanges(t *testing.T) {
	f := testserver.File{Size: 2 << 20, Seed: 1205}
	target := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithNoRanges(true))
	defer target.Close()
	front := testserver.New()
	defer front.Close()
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	id := ftAdd(t, m, Request{URL: front.URL("/redirect?to=" + target.URL("/f.bin")), Options: Options{Connections: 8}})
	s := ftEnd(t, m, id)
	ftWantFile(t, s, f)
	if s.Resumable {
		t.Errorf("a host that ignores ranges was recorded as resumable")
	}
}

// ftPauseAt pauses task id once n bytes are done, calls change while it
// is paused, resumes it and waits for its end.
func ftPauseAt(t *testing.T, m *Manager, id string, n int64, change func()) Snapshot {
	t.Helper()
	waitProgress(t, m, id, n)
	if err := m.Pause(id); err != nil {
		t.Fatal(err)
	}
	waitState(t, m, id, ftGuard, StatePaused)
	change()
	if err := m.Resume(id); err != nil {
		t.Fatal(err)
	}
	return ftEnd(t, m, id)
}

// Found beyond the issue: an https link to a port that speaks plain HTTP
// is not "waiting for the network" forever.
func TestHTTPSLinkToPlainPort(t *testing.T) {
	srv := testserver.New(testserver.WithFile("/f.bin", testserver.File{Size: 1 << 10, Seed: 1206}))
	defer srv.Close()
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	id := ftAdd(t, m, Request{URL: strings.Replace(srv.URL("/f.bin"), "http://", "https://", 1)})
	s := ftEnd(t, m, id)
	if s.State != StateFailed || s.ErrorKind != KindBadResponse {
		t.Fatalf("state %s kind %q (%q), want failed %q", s.State, s.ErrorKind, s.Error, KindBadResponse)
	}
	t.Logf("sentence: %s", s.Error)
}
