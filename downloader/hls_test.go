package downloader

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"haul/downloader/hls"
	"haul/downloader/testserver"
)

// addVideo adds url to m and waits for it to settle.
func addVideo(t *testing.T, m *Manager, req Request) Snapshot {
	t.Helper()
	ids, err := m.Add(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return waitState(t, m, ids[0], 30*time.Second, StateCompleted, StateFailed)
}

func TestVideoDownloads(t *testing.T) {
	cases := []struct {
		name    string
		opts    testserver.HLSOptions
		variant string
		wantVar int    // variant whose bytes the file must hold
		file    string // expected file name
		label   string // expected VideoInfo.Variant
	}{
		{"plain media playlist", testserver.HLSOptions{Segments: 5}, "", 0, "index.ts", ""},
		{"master best", testserver.HLSOptions{Variants: 2, Segments: 4}, "", 1, "master.ts", "1280x720, 1.6 Mbit/s"},
		{"master worst", testserver.HLSOptions{Variants: 2, Segments: 4}, "worst", 0, "master.ts", "640x360, 800 kbit/s"},
		{"master 480p", testserver.HLSOptions{Variants: 2, Segments: 4}, "480p", 0, "master.ts", "640x360, 800 kbit/s"},
		{"aes rotating keys", testserver.HLSOptions{Variants: 2, Segments: 9, KeyEvery: 2}, "", 1, "master.ts", "1280x720, 1.6 Mbit/s"},
		{"byte ranges with aes", testserver.HLSOptions{Segments: 7, KeyEvery: 3, ByteRanges: true}, "", 0, "index.ts", ""},
		{"fmp4", testserver.HLSOptions{Segments: 5, Fragmented: true}, "", 0, "index.mp4", ""},
		{"fmp4 byte ranges aes", testserver.HLSOptions{Segments: 6, Fragmented: true, ByteRanges: true, KeyEvery: 2}, "", 0, "index.mp4", ""},
		{"gap", testserver.HLSOptions{Segments: 5, Gap: 3}, "", 0, "index.ts", ""},
		{"expiring links", testserver.HLSOptions{Segments: 8, Expiring: true, ExpireAfter: 3}, "", 0, "index.ts", ""},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := testserver.New()
			defer srv.Close()
			set := srv.AddHLS("s", c.opts)
			dir := t.TempDir()
			m := openTest(t, newMemStore(), dir, nil)
			name := ""
			if i%2 == 1 {
				// A given name without an extension gets the container's.
				name = c.name
				c.file = c.name + path.Ext(c.file)
			}
			s := addVideo(t, m, Request{URL: set.URL(), Name: name, Options: Options{Variant: c.variant}})
			if s.State != StateCompleted {
				t.Fatalf("state %s: %s", s.State, s.Error)
			}
			if s.Name != c.file {
				t.Errorf("name %q, want %q", s.Name, c.file)
			}
			if got := fileSHA(t, filepath.Join(dir, s.Name)); got != set.WantSHA256(c.wantVar) {
				t.Errorf("joined file differs from the decrypted segments of variant %d", c.wantVar)
			}
			if s.Kind != KindVideo || s.Video.Variant != c.label {
				t.Errorf("kind %q variant %q, want video %q", s.Kind, s.Video.Variant, c.label)
			}
			if s.Video.SegmentsDone != c.opts.Segments || s.Video.SegmentsTotal != c.opts.Segments {
				t.Errorf("segments %d/%d, want %d", s.Video.SegmentsDone, s.Video.SegmentsTotal, c.opts.Segments)
			}
			if s.Size != int64(len(set.Want(c.wantVar))) {
				t.Errorf("size %d, want %d", s.Size, len(set.Want(c.wantVar)))
			}
			if _, err := os.Stat(filepath.Join(dir, s.Name+partSuffix)); !os.IsNotExist(err) {
				t.Errorf("staging folder left behind: %v", err)
			}
			if c.opts.ExpireAfter > 0 && !slices.ContainsFunc(s.Log, func(e LogEntry) bool {
				return strings.Contains(e.Text, "Segment links expired")
			}) {
				t.Errorf("expired links were not renewed through the playlist: log %v", s.Log)
			}
			if c.opts.KeyEvery > 0 {
				groups := (c.opts.Segments + c.opts.KeyEvery - 1) / c.opts.KeyEvery
				if got := set.HitsWithSuffix(".key"); got != groups {
					t.Errorf("%d key requests, want one per key (%d)", got, groups)
				}
			}
		})
	}
}

func TestVideoRefusals(t *testing.T) {
	cases := []struct {
		name string
		opts testserver.HLSOptions
		want *hls.Error
	}{
		{"live", testserver.HLSOptions{Live: true}, hls.ErrLive},
		{"sample-aes", testserver.HLSOptions{KeyEvery: 2, SampleAES: true}, hls.ErrSampleAES},
		{"wrong key", testserver.HLSOptions{KeyEvery: 2, WrongKey: true}, hls.ErrBadPadding},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := testserver.New()
			defer srv.Close()
			set := srv.AddHLS("s", c.opts)
			dir := t.TempDir()
			m := openTest(t, newMemStore(), dir, nil)
			s := addVideo(t, m, Request{URL: set.URL()})
			if s.State != StateFailed || s.Error != c.want.UserSentence() {
				t.Fatalf("state %s error %q, want failed with %q", s.State, s.Error, c.want.UserSentence())
			}
			if c.want == hls.ErrBadPadding {
				// Refused at the first segment, and retrying cannot help.
				if n := set.HitsWithSuffix(".ts"); n > 6 {
					t.Errorf("%d segment requests with a wrong key", n)
				}
				return
			}
			if n := set.HitsWithSuffix(".ts"); n != 0 {
				t.Errorf("%d segments fetched for a refused playlist", n)
			}
			ents, _ := os.ReadDir(dir)
			if len(ents) != 0 {
				t.Errorf("refused playlist left %d entries in the folder", len(ents))
			}
		})
	}
}

func TestVideoBadVariantOption(t *testing.T) {
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	_, err := m.Add(context.Background(), Request{URL: "http://127.0.0.1/x.m3u8", Options: Options{Variant: "hd"}})
	if err == nil || !strings.Contains(Sentence(err), "best, worst") {
		t.Fatalf("err = %v", err)
	}
}

// A paused video resumes without fetching its finished segments again.
func TestVideoResumeSkipsFinishedSegments(t *testing.T) {
	const segs = 12
	srv := testserver.New(testserver.WithPerConnRate(40 << 10))
	defer srv.Close()
	set := srv.AddHLS("s", testserver.HLSOptions{Segments: segs, Packets: 40, KeyEvery: 5})
	dir := t.TempDir()
	st := newMemStore()
	m := openTest(t, st, dir, nil)
	ids, err := m.Add(context.Background(), Request{URL: set.URL(), Options: Options{Connections: 2}})
	if err != nil {
		t.Fatal(err)
	}
	id := ids[0]
	events, stop := m.Subscribe()
	deadline := time.After(30 * time.Second)
	for {
		s, _ := m.Get(id)
		if s.Video.SegmentsDone >= 3 {
			break
		}
		if s.State == StateCompleted || s.State == StateFailed {
			t.Fatalf("finished before the pause: %s %s", s.State, s.Error)
		}
		select {
		case <-events:
		case <-deadline:
			t.Fatal("no segments done")
		}
	}
	stop()
	if err := m.Pause(id); err != nil {
		t.Fatal(err)
	}
	s := waitState(t, m, id, 10*time.Second, StatePaused)
	done := s.Video.SegmentsDone
	if done == segs {
		t.Fatal("everything finished before the pause")
	}
	srv.Set(testserver.WithPerConnRate(0))
	if err := m.Resume(id); err != nil {
		t.Fatal(err)
	}
	s = waitState(t, m, id, 30*time.Second, StateCompleted, StateFailed)
	if s.State != StateCompleted {
		t.Fatalf("resume ended %s: %s", s.State, s.Error)
	}
	if got := fileSHA(t, filepath.Join(dir, s.Name)); got != set.WantSHA256(0) {
		t.Fatal("resumed file differs")
	}
	// Each finished segment was fetched once; those in flight at the
	// pause at most twice.
	total := set.HitsWithSuffix(".ts")
	if total > segs+2 || total < segs {
		t.Errorf("%d segment requests for %d segments (%d done at the pause)", total, segs, done)
	}
}

func TestUnitMap(t *testing.T) {
	done := []int64{5, 5, -1, -1, 7, -1}
	got := unitMap(done, map[int]int64{3: 10})
	want := []SegmentState{
		{Segment: Segment{Start: 0, End: 2, Done: 2}},
		{Segment: Segment{Start: 2, End: 3}},
		{Segment: Segment{Start: 3, End: 4}, Active: true},
		{Segment: Segment{Start: 4, End: 5, Done: 1}},
		{Segment: Segment{Start: 5, End: 6}},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("map %+v, want %+v", got, want)
	}
}

// Haul stopped right after renaming the joined file: the next start
// completes the task from its record, fetching nothing.
func TestVideoFinishedBeforeCrash(t *testing.T) {
	srv := testserver.New()
	defer srv.Close()
	set := srv.AddHLS("s", testserver.HLSOptions{Segments: 3})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.ts"), set.Want(0), 0o644); err != nil {
		t.Fatal(err)
	}
	staging := filepath.Join(dir, "index.ts"+partSuffix)
	if err := makeStaging(OSFileSystem(), staging); err != nil {
		t.Fatal(err)
	}
	st := newMemStore()
	rec := TaskRecord{
		Version: RecordVersion, ID: "0123456789abcdef", URL: set.URL(), Folder: dir, Name: "index.ts",
		PartOwned: true, Size: -1, State: StateActive, Created: time.Now(),
		Video: &VideoRecord{Playlist: set.URL(), Container: "ts", Seqs: []uint64{0, 1, 2}, Done: []int64{3760, 3760, 3760}, Final: "index.ts"},
	}
	if err := st.PutTask(rec); err != nil {
		t.Fatal(err)
	}
	m := openTest(t, st, dir, nil)
	s := waitState(t, m, rec.ID, 10*time.Second, StateCompleted, StateFailed)
	if s.State != StateCompleted || s.Name != "index.ts" || s.Size != int64(len(set.Want(0))) {
		t.Fatalf("state %s name %q size %d: %s", s.State, s.Name, s.Size, s.Error)
	}
	if _, err := os.Stat(staging); !os.IsNotExist(err) {
		t.Errorf("staging folder kept: %v", err)
	}
	if n := set.Hits("v0/index.m3u8") + set.HitsWithSuffix(".ts"); n != 0 {
		t.Errorf("%d requests for a finished video", n)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("folder holds %d entries, want only index.ts", len(ents))
	}
}

// A playlist and a segment that stop sending mid-body are aborted by the
// stall watchdog and fetched again; the video completes.
func TestVideoStalls(t *testing.T) {
	ftShortStall(t, 300*time.Millisecond)
	seg := func(i int) []byte { return bytes.Repeat([]byte{0x47, byte(i)}, 500) }
	const playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\ns0.ts\n#EXTINF:1,\ns1.ts\n#EXT-X-ENDLIST\n"
	var mu sync.Mutex
	hits := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		n := hits[r.URL.Path]
		mu.Unlock()
		var body []byte
		switch r.URL.Path {
		case "/v.m3u8":
			body = []byte(playlist)
		case "/s0.ts":
			body = seg(0)
		case "/s1.ts":
			body = seg(1)
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		if n == 1 && r.URL.Path != "/s0.ts" {
			// Half the body, then silence until the client gives up.
			w.Write(body[:len(body)/2])
			w.(http.Flusher).Flush()
			<-r.Context().Done()
			return
		}
		w.Write(body)
	}))
	defer srv.Close()
	dir := t.TempDir()
	m := openTest(t, newMemStore(), dir, nil)
	s := addVideo(t, m, Request{URL: srv.URL + "/v.m3u8"})
	if s.State != StateCompleted {
		t.Fatalf("state %s: %s", s.State, s.Error)
	}
	got, err := os.ReadFile(filepath.Join(dir, "v.ts"))
	if err != nil || !bytes.Equal(got, append(seg(0), seg(1)...)) {
		t.Fatalf("joined file wrong (%v)", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if hits["/v.m3u8"] != 2 || hits["/s1.ts"] != 2 {
		t.Errorf("requests %v: the stalled playlist and segment should be asked twice", hits)
	}
}

// A playlist that lists other segments when the task resumes restarts it
// cleanly: old and new segments are never joined together.
func TestVideoPlaylistChangedOnResume(t *testing.T) {
	srv := testserver.New(testserver.WithPerConnRate(32 << 10))
	defer srv.Close()
	set := srv.AddHLS("s", testserver.HLSOptions{Segments: 10, Packets: 40, Seed: 1})
	dir := t.TempDir()
	m := openTest(t, newMemStore(), dir, nil)
	ids, err := m.Add(context.Background(), Request{URL: set.URL(), Options: Options{Connections: 1}})
	if err != nil {
		t.Fatal(err)
	}
	events, stop := m.Subscribe()
	deadline := time.After(20 * time.Second)
	for s, _ := m.Get(ids[0]); s.Video.SegmentsDone < 2; s, _ = m.Get(ids[0]) {
		select {
		case <-events:
		case <-deadline:
			t.Fatal("no segments done")
		}
	}
	stop()
	if err := m.Pause(ids[0]); err != nil {
		t.Fatal(err)
	}
	waitState(t, m, ids[0], 10*time.Second, StatePaused)
	srv.Set(testserver.WithPerConnRate(0))
	set = srv.AddHLS("s", testserver.HLSOptions{Segments: 7, Packets: 40, Seed: 2})
	if err := m.Resume(ids[0]); err != nil {
		t.Fatal(err)
	}
	s := waitState(t, m, ids[0], 20*time.Second, StateCompleted, StateFailed)
	if s.State != StateCompleted {
		t.Fatalf("state %s: %s", s.State, s.Error)
	}
	if got := fileSHA(t, filepath.Join(dir, s.Name)); got != set.WantSHA256(0) {
		t.Error("the file mixes the old and the new playlist's segments")
	}
	if s.Video.SegmentsTotal != 7 || !slices.ContainsFunc(s.Log, func(e LogEntry) bool { return strings.Contains(e.Text, "changed") }) {
		t.Errorf("segments %d, log %v", s.Video.SegmentsTotal, s.Log)
	}
}
