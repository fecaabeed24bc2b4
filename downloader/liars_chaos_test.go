package downloader

import (
	"testing"
	"time"

	"haul/downloader/testserver"
)

// liarCase is one of issue 12's kinds 1–4 as the crash loop mixes them.
type liarCase struct {
	name string
	liar testserver.Liar
	cap  int // WithMaxConns with 403, 0 = none
}

var chaosLiars = []liarCase{
	{name: "ignores If-Range", liar: testserver.Liar{IgnoreIfRange: true}},
	{name: "ranges only from zero", liar: testserver.Liar{RangesFromZeroOnly: true}},
	{name: "short honest ranges", liar: testserver.Liar{MaxRange: 300 << 10}},
	{name: "content-length short by one", liar: testserver.Liar{ShortBy: 1}},
	{name: "403 beyond 2", cap: 2},
}

// newLiarServer serves f with tc's lie plus resets and stalls.
func newLiarServer(t *testing.T, f testserver.File, tc liarCase) *testserver.Server {
	srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(4<<20),
		testserver.WithLiar(tc.liar),
		testserver.WithReset(testserver.Reset{After: 512 << 10, Prob: 0.3, Seed: 7}),
		testserver.WithStall(256<<10, 200*time.Millisecond))
	if tc.cap > 0 {
		srv.Set(testserver.WithMaxConns(tc.cap, 403, ""))
	}
	t.Cleanup(srv.Close)
	return srv
}

// Each lie together with the crash loop's resets and stalls: the file
// still arrives whole.
func TestLiarsUnderResets(t *testing.T) {
	f := testserver.File{Size: 6<<20 + 333, Seed: 1240}
	for _, tc := range chaosLiars {
		t.Run(tc.name, func(t *testing.T) {
			s := ftFetch(t, newLiarServer(t, f, tc), f, 4)
			t.Logf("log %q", ftLog(s))
		})
	}
}

// Each lie across restarts of the manager mid-download (as after a kill):
// the file still arrives whole.
func TestLiarsAcrossRestarts(t *testing.T) {
	f := testserver.File{Size: 4<<20 + 333, Seed: 1241}
	for _, tc := range chaosLiars {
		t.Run(tc.name, func(t *testing.T) {
			srv := newLiarServer(t, f, tc)
			st := newMemStore()
			dir := t.TempDir()
			m := openTest(t, st, dir, nil)
			id := ftAdd(t, m, Request{URL: srv.URL("/f.bin"), Options: Options{Connections: 4}})
			for i := range 3 {
				waitProgress(t, m, id, int64(i+1)*(768<<10))
				m.Close()
				m = openTest(t, st, dir, nil)
			}
			s := ftEnd(t, m, id)
			ftWantFile(t, s, f)
			t.Logf("log %q", ftLog(s))
		})
	}
}
