package downloader

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"haul/downloader/testserver"
)

// expireNow makes every later request to srv a 403, and lets running
// bodies crawl so the stall watchdog ends them: the link expired.
func expireNow(srv *testserver.Server) {
	srv.Set(testserver.WithFail5xx(1<<30, http.StatusForbidden), testserver.WithPerConnRate(1))
}

// waitFreshLink waits until the task waits for a fresh link.
func waitFreshLink(t *testing.T, m *Manager, id string) Snapshot {
	t.Helper()
	s := ftEnd(t, m, id)
	if s.State != StatePaused || s.ErrorKind != KindLinkExpired || s.Phase != PhaseWaitingLink {
		t.Fatalf("state %s/%s kind %q (%q), want paused, waiting for a fresh link; log %q", s.State, s.Phase, s.ErrorKind, s.Error, ftLog(s))
	}
	if !strings.Contains(s.Error, "The link has expired") {
		t.Errorf("sentence %q", s.Error)
	}
	return s
}

// Issue 16: a link that expires mid-way waits for a fresh one; the fresh
// link (another server, no validators, so the samples decide) continues
// from where it stood, byte-exact, fetching only what was missing plus
// the samples.
func TestChangeLinkAfterExpiry(t *testing.T) {
	ftShortStall(t, 300*time.Millisecond)
	f := testserver.File{Size: 8 << 20, Seed: 1601}
	old := testserver.New(testserver.WithFile("/a.bin", f), testserver.WithPerConnRate(1<<20))
	defer old.Close()
	g := f
	g.NoETag, g.NoLastModified = true, true
	fresh := testserver.New(testserver.WithFile("/b.bin", g))
	defer fresh.Close()
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	id := ftAdd(t, m, Request{URL: old.URL("/a.bin"), Options: Options{Connections: 4}})
	waitProgress(t, m, id, 1<<20)
	expireNow(old)
	s := waitFreshLink(t, m, id)
	missing := s.Size - s.Done
	if err := m.ChangeURL(context.Background(), id, fresh.URL("/b.bin")); err != nil {
		t.Fatal(err)
	}
	// One connection from here: a connection whose range another one
	// splits off is sent bytes past the split that it then drops (the
	// engine's open-ended ranges), which would blur what is measured
	// here: that nothing already on disk is fetched again.
	if err := m.SetOptions(id, Options{Connections: 1}); err != nil {
		t.Fatal(err)
	}
	if err := m.Resume(id); err != nil {
		t.Fatal(err)
	}
	s = ftEnd(t, m, id)
	ftWantFile(t, s, f)
	served := fresh.Stats().BytesServed
	t.Logf("after the change: %d bytes served, %d were missing", served, missing)
	if limit := missing + maxSamples*sampleSize + 1; served > limit {
		t.Errorf("the fresh link served %d bytes; missing were %d, samples at most %d", served, missing, limit-missing)
	}
	if s.URL != fresh.URL("/b.bin") {
		t.Errorf("URL %q after the change", s.URL)
	}
}

// A "fresh" link to another file of the same size and without
// validators is refused by the samples; its bytes are never written and
// the task keeps its old link.
func TestChangeLinkDifferentFileRefused(t *testing.T) {
	f := testserver.File{Size: 4 << 20, Seed: 1602}
	old := testserver.New(testserver.WithFile("/a.bin", f), testserver.WithPerConnRate(1<<20))
	defer old.Close()
	other := testserver.New(testserver.WithFile("/b.bin", testserver.File{Size: f.Size, Seed: 1603, NoETag: true, NoLastModified: true}))
	defer other.Close()
	dir := t.TempDir()
	m := openTest(t, newMemStore(), dir, nil)
	id := ftAdd(t, m, Request{URL: old.URL("/a.bin"), Options: Options{Connections: 2}})
	waitProgress(t, m, id, 1<<20)
	if err := m.Pause(id); err != nil {
		t.Fatal(err)
	}
	s := ftEnd(t, m, id)
	part := filepath.Join(dir, s.Name+partSuffix)
	before, err := os.ReadFile(part)
	if err != nil {
		t.Fatal(err)
	}
	err = m.ChangeURL(context.Background(), id, other.URL("/b.bin"))
	if !errors.Is(err, ErrDifferentFile) {
		t.Fatalf("err %v, want ErrDifferentFile", err)
	}
	if got := Sentence(err); !strings.HasPrefix(got, "That link leads to a different file (") || !strings.HasSuffix(got, "the download keeps its old link.") {
		t.Errorf("sentence %q", got)
	}
	after, err := os.ReadFile(part)
	if err != nil || !bytes.Equal(before, after) {
		t.Fatalf("the part file changed (%v)", err)
	}
	if s2, _ := m.Get(id); s2.URL != old.URL("/a.bin") || s2.Done != s.Done {
		t.Errorf("after the refusal: URL %q done %d, want %q %d", s2.URL, s2.Done, old.URL("/a.bin"), s.Done)
	}
	// A different size is refused before any sample is asked for.
	other.SetFile("/c.bin", testserver.File{Size: f.Size + 1, Seed: 1602})
	if err := m.ChangeURL(context.Background(), id, other.URL("/c.bin")); !errors.Is(err, ErrDifferentFile) {
		t.Errorf("another size: err %v", err)
	}
	// The old link, changed to itself through another path of the same
	// server, still passes (same bytes, other ETag: samples).
	old.Set(testserver.WithPerConnRate(0))
	old.SetFile("/same.bin", f)
	if err := m.ChangeURL(context.Background(), id, old.URL("/same.bin")); err != nil {
		t.Fatalf("same file elsewhere refused: %v", err)
	}
}

// Issue 16 item 3: two mirrors, the first expires mid-way; the download
// goes on from the second, byte-exact.
func TestMirrorTakesOverWhenALinkExpires(t *testing.T) {
	ftShortStall(t, 300*time.Millisecond)
	f := testserver.File{Size: 8 << 20, Seed: 1604}
	a := testserver.New(testserver.WithFile("/a.bin", f), testserver.WithPerConnRate(1<<20))
	defer a.Close()
	b := testserver.New(testserver.WithFile("/b.bin", f))
	defer b.Close()
	dead := "http://127.0.0.1:1/gone.bin" // refuses connections: dropped
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	id := ftAdd(t, m, Request{URL: a.URL("/a.bin"), Mirrors: []string{dead, b.URL("/b.bin")}, Options: Options{Connections: 4}})
	if s, _ := m.Get(id); len(s.Mirrors) != 2 {
		t.Fatalf("mirrors %q", s.Mirrors)
	}
	waitProgress(t, m, id, 1<<20)
	expireNow(a)
	s := ftEnd(t, m, id)
	ftWantFile(t, s, f)
	if !ftLogHas(s, "goes on from the mirror") || !ftLogHas(s, "was dropped") {
		t.Errorf("log %q", ftLog(s))
	}
	if s.URL != b.URL("/b.bin") || len(s.Mirrors) != 0 {
		t.Errorf("URL %q mirrors %q", s.URL, s.Mirrors)
	}
}

// Issue 16 item 4: a checksum the server offers is verified without
// being asked; a corrupt byte fails the task with no file saved.
func TestServerDigestVerification(t *testing.T) {
	f := testserver.File{Size: 3<<20 + 5, Seed: 1605}
	body, err := io.ReadAll(f.Content())
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Clone(body)
	bad[len(bad)/2] ^= 1
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	s256, s512, m5 := sha256.Sum256(body), sha512.Sum512(body), md5.Sum(body)
	bad256 := sha256.Sum256(bad)
	cases := []struct {
		name     string
		header   http.Header
		noRanges bool
		want     string // VerifiedText; "" = fails with a checksum error
	}{
		{"repr-digest sha-256", http.Header{"Repr-Digest": {"sha-256=:" + b64(s256[:]) + ":"}}, false, "Verified (SHA-256 from the server)"},
		{"digest sha-512", http.Header{"Digest": {"SHA-512=" + b64(s512[:])}}, false, "Verified (SHA-512 from the server)"},
		{"x-goog-hash md5", http.Header{"X-Goog-Hash": {"crc32c=AAAAAA==, md5=" + b64(m5[:])}}, false, "Verified (MD5 from the server)"},
		{"content-md5 on a 200", http.Header{"Content-Md5": {b64(m5[:])}}, true, "Verified (MD5 from the server)"},
		{"content-md5 on a 206 is not the file's", http.Header{"Content-Md5": {b64(m5[:])}}, false, "Not verified (no checksum offered)"},
		{"none offered", nil, false, "Not verified (no checksum offered)"},
		{"corrupt byte", http.Header{"Repr-Digest": {"sha-256=:" + b64(bad256[:]) + ":"}}, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := f
			g.Header = c.header
			srv := testserver.New(testserver.WithFile("/f.bin", g), testserver.WithNoRanges(c.noRanges))
			defer srv.Close()
			dir := t.TempDir()
			m := openTest(t, newMemStore(), dir, nil)
			id := ftAdd(t, m, Request{URL: srv.URL("/f.bin")})
			s := ftEnd(t, m, id)
			if c.want == "" {
				if s.State != StateFailed || s.ErrorKind != KindChecksum {
					t.Fatalf("state %s kind %q (%q)", s.State, s.ErrorKind, s.Error)
				}
				if !strings.Contains(s.Error, "SHA-256 checksum from the server") {
					t.Errorf("sentence %q", s.Error)
				}
				if left, _ := os.ReadDir(dir); len(left) != 0 {
					t.Errorf("files left after a mismatch: %v", left)
				}
				return
			}
			ftWantFile(t, s, f)
			if got := s.VerifiedText(); got != c.want {
				t.Errorf("VerifiedText %q, want %q", got, c.want)
			}
		})
	}
}

// A release-like name finds its SHA-256 in a sidecar file next to it.
func TestSidecarVerification(t *testing.T) {
	body := bytes.Repeat([]byte("haul release "), 40000)
	sum := sha256.Sum256(body)
	for _, c := range []struct{ name, sidecar, list, want string }{
		{"name.sha256", "/rel/x.iso.sha256", "%x  x.iso\n", "Verified (SHA-256 from x.iso.sha256)"},
		{"SHA256SUMS", "/rel/SHA256SUMS", "%x  other.iso\n%x *x.iso\n", "Verified (SHA-256 from SHA256SUMS)"},
		{"none", "/rel/nothing", "", "Not verified (no checksum offered)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var side []byte
			if strings.Count(c.list, "%x") == 2 {
				side = []byte(strings.Replace(strings.Replace(c.list, "%x", strings.Repeat("0", 64), 1), "%x", hexOf(sum[:]), 1))
			} else {
				side = []byte(strings.ReplaceAll(c.list, "%x", hexOf(sum[:])))
			}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/rel/x.iso":
					http.ServeContent(w, r, "x.iso", time.Time{}, bytes.NewReader(body))
				case c.sidecar:
					w.Write(side)
				default:
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()
			m := openTest(t, newMemStore(), t.TempDir(), nil)
			id := ftAdd(t, m, Request{URL: srv.URL + "/rel/x.iso"})
			s := ftEnd(t, m, id)
			if s.State != StateCompleted {
				t.Fatalf("state %s %q", s.State, s.Error)
			}
			if got := s.VerifiedText(); got != c.want {
				t.Errorf("VerifiedText %q, want %q", got, c.want)
			}
		})
	}
}

func hexOf(b []byte) string { return hex.EncodeToString(b) }

func TestSignedExpiry(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		raw     string
		expired bool
	}{
		{"https://b.s3.amazonaws.com/x.iso?X-Amz-Date=20261130T100000Z&X-Amz-Expires=3600&X-Amz-Signature=ab", true},
		{"https://b.s3.amazonaws.com/x.iso?X-Amz-Date=20261130T113000Z&X-Amz-Expires=3600&X-Amz-Signature=ab", false},
		{"https://storage.googleapis.com/b/x?X-Goog-Date=20261129T120000Z&X-Goog-Expires=600", true},
		{"https://d.cloudfront.net/x.iso?Expires=1800000000&Signature=x", false},
		{"https://d.cloudfront.net/x.iso?Expires=1700000000&Signature=x", true},
		{"https://a.blob.core.windows.net/c/x?se=2026-11-30T11:00:00Z&sig=x", true},
		{"https://example.com/x.iso?expires=soon", false},
		{"https://example.com/x.iso", false},
	}
	for _, c := range cases {
		if got := signedLinkExpired(c.raw, now); got != c.expired {
			u, _ := url.Parse(c.raw)
			t.Errorf("%s: expired %v, want %v", u.Host, got, c.expired)
		}
	}
}

func TestSampleRangesSpreadInsideDoneBytes(t *testing.T) {
	segs := []Segment{{Start: 0, End: 4 << 20, Done: 3 << 20}, {Start: 4 << 20, End: 8 << 20, Done: 1 << 10}}
	got := sampleRanges(segs)
	if len(got) == 0 || len(got) > maxSamples {
		t.Fatalf("%d samples", len(got))
	}
	var total int64
	for i, s := range got {
		total += s.Done
		inside := false
		for _, d := range segs {
			inside = inside || s.Start >= d.Start && s.pos() <= d.pos()
		}
		if !inside {
			t.Errorf("sample %d %+v is not inside the done bytes", i, s)
		}
		if i > 0 && got[i-1].pos() > s.Start {
			t.Errorf("samples overlap: %+v %+v", got[i-1], s)
		}
	}
	if total > maxSamples*sampleSize {
		t.Errorf("%d bytes sampled", total)
	}
	if got[len(got)-1].Start < 2<<20 {
		t.Errorf("samples not spread: last at %d", got[len(got)-1].Start)
	}
}

// A signed link past its expiry that is refused waits for a fresh link
// even before any byte arrived; an unsigned one refused so fails.
func TestSignedLinkPastExpiryWaits(t *testing.T) {
	srv := testserver.New(testserver.WithFile("/f.bin", testserver.File{Size: 1 << 20, Seed: 1612}),
		testserver.WithFail5xx(1<<30, http.StatusForbidden))
	defer srv.Close()
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	signed := ftAdd(t, m, Request{URL: srv.URL("/f.bin") + "?X-Amz-Date=20200101T000000Z&X-Amz-Expires=60&X-Amz-Signature=ab"})
	waitFreshLink(t, m, signed)
	plain := ftAdd(t, m, Request{URL: srv.URL("/f.bin")})
	if s := ftEnd(t, m, plain); s.State != StateFailed || s.ErrorKind != KindForbidden {
		t.Errorf("unsigned link: %s %q (%q)", s.State, s.ErrorKind, s.Error)
	}
}

// The link of a running download, or of a video, is not changed; each
// refusal is a sentence.
func TestChangeLinkRefusedWhileRunningOrVideo(t *testing.T) {
	srv := testserver.New(testserver.WithFile("/f.bin", testserver.File{Size: 8 << 20, Seed: 1613}), testserver.WithPerConnRate(1<<20))
	defer srv.Close()
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	id := ftAdd(t, m, Request{URL: srv.URL("/f.bin")})
	waitProgress(t, m, id, 1<<10)
	err := m.ChangeURL(context.Background(), id, srv.URL("/f.bin")+"?fresh")
	if !errors.Is(err, ErrTaskRunning) || Sentence(err) != "Pause the download before changing its link." {
		t.Errorf("running: %v / %q", err, Sentence(err))
	}
	if err := m.ChangeURL(context.Background(), id, "ftp://x/y"); !errors.Is(err, ErrBadURL) {
		t.Errorf("ftp link: %v", err)
	}
	if err := m.ChangeURL(context.Background(), "nope", srv.URL("/f.bin")); !errors.Is(err, ErrNotFound) {
		t.Errorf("no task: %v", err)
	}
}

// A video (HLS) keeps its playlist link, and a finished download needs
// none: both refusals are sentences.
func TestChangeLinkRefusedForVideoOrComplete(t *testing.T) {
	srv := testserver.New()
	defer srv.Close()
	set := srv.AddHLS("s", testserver.HLSOptions{Segments: 3})
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	s := addVideo(t, m, Request{URL: set.URL()})
	if s.State != StateCompleted || s.Kind != KindVideo {
		t.Fatalf("video: %s %s", s.State, s.Kind)
	}
	// Completed first; a video that stopped mid-way is refused likewise
	// (the video check follows the completion check).
	err := m.ChangeURL(context.Background(), s.ID, set.URL()+"?fresh")
	if !errors.Is(err, ErrTaskComplete) || !strings.HasPrefix(Sentence(err), "The download is complete") {
		t.Errorf("complete: %v / %q", err, Sentence(err))
	}
	m.mu.Lock()
	tk := m.tasks[s.ID]
	m.mu.Unlock()
	tk.mu.Lock()
	tk.rec.State = StatePaused
	tk.mu.Unlock()
	err = m.ChangeURL(context.Background(), s.ID, set.URL()+"?fresh")
	if !errors.Is(err, ErrVideoLink) || !strings.HasPrefix(Sentence(err), "A video's link cannot be changed") {
		t.Errorf("video: %v / %q", err, Sentence(err))
	}
}

// Issue 16 item 3: requests spread over the link and the mirrors that
// pass the same-file check; a mirror with another file of the same size
// is dropped after its samples, never used; when the link expires
// mid-way the run goes on from a mirror without stopping.
func TestMirrorsShareTheDownload(t *testing.T) {
	ftShortStall(t, 300*time.Millisecond)
	f := testserver.File{Size: 16 << 20, Seed: 1616}
	a := testserver.New(testserver.WithFile("/a.bin", f), testserver.WithPerConnRate(512<<10))
	defer a.Close()
	g := f
	g.NoETag = true // another CDN: the samples decide
	b := testserver.New(testserver.WithFile("/b.bin", g), testserver.WithPerConnRate(512<<10))
	defer b.Close()
	bad := testserver.New(testserver.WithFile("/c.bin", testserver.File{Size: f.Size, Seed: 1617, NoETag: true, NoLastModified: true}))
	defer bad.Close()
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	id := ftAdd(t, m, Request{URL: a.URL("/a.bin"), Mirrors: []string{bad.URL("/c.bin"), b.URL("/b.bin")}, Options: Options{Connections: 6}})
	logged := func(sub string) func() bool {
		return func() bool { s, _ := m.Get(id); return ftLogHas(s, sub) || s.State != StateActive }
	}
	waitFor(t, m, ftGuard, "the mirror admitted", logged("downloading from it too"))
	waitFor(t, m, ftGuard, "bytes from the mirror", func() bool { s, _ := m.Get(id); return b.Stats().BytesServed > 1<<20 || s.State != StateActive })
	expireNow(a)
	s := ftEnd(t, m, id)
	ftWantFile(t, s, f)
	if !ftLogHas(s, "goes on from the mirror") || !ftLogHas(s, "was dropped") {
		t.Errorf("log %q", ftLog(s))
	}
	if served := bad.Stats().BytesServed; served > maxSamples*sampleSize+1 {
		t.Errorf("the mirror with another file served %d bytes, more than the samples", served)
	}
	if s.URL != b.URL("/b.bin") {
		t.Errorf("URL %q, want the mirror that took over", s.URL)
	}
}

// Issue 16 item 2: downloading the same file again (same name, as the
// browser hands it over) gives the waiting download its fresh link; a
// different file of that name becomes a download of its own.
func TestSameFileAgainSuppliesFreshLink(t *testing.T) {
	ftShortStall(t, 300*time.Millisecond)
	f := testserver.File{Size: 6 << 20, Seed: 1618}
	old := testserver.New(testserver.WithFile("/a.bin", f), testserver.WithPerConnRate(1<<20))
	defer old.Close()
	g := f
	g.NoETag = true
	fresh := testserver.New(testserver.WithFile("/fresh/a.bin", g),
		testserver.WithFile("/other/a.bin", testserver.File{Size: f.Size, Seed: 1619, NoETag: true, NoLastModified: true}))
	defer fresh.Close()
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	id := ftAdd(t, m, Request{URL: old.URL("/a.bin"), Options: Options{Connections: 4}})
	waitProgress(t, m, id, 1<<20)
	expireNow(old)
	waitFreshLink(t, m, id)

	other := ftAdd(t, m, Request{URL: fresh.URL("/other/a.bin")})
	if other != id {
		t.Fatalf("the same name was not offered to the waiting download: %s", other)
	}
	waitFor(t, m, ftGuard, "the other file added on its own", func() bool { return len(m.List()) == 2 })
	for _, s := range m.List() {
		if s.ID != id {
			ftEnd2(t, m, s.ID) // its part file must be gone before ftWantFile looks
		}
	}
	if s, _ := m.Get(id); s.State != StatePaused || !ftLogHas(s, "was not used") {
		t.Errorf("waiting download after another file: %s, log %q", s.State, ftLog(s))
	}
	if got := ftAdd(t, m, Request{URL: fresh.URL("/fresh/a.bin")}); got != id {
		t.Fatalf("fresh link went to %s, not the waiting download %s", got, id)
	}
	ftWantFile(t, ftEnd2(t, m, id), f)
}

// ftEnd2 waits for the end of a task that may still be paused when asked.
func ftEnd2(t *testing.T, m *Manager, id string) Snapshot {
	t.Helper()
	var s Snapshot
	waitFor(t, m, ftGuard, "the end", func() bool {
		s, _ = m.Get(id)
		return s.State == StateCompleted || s.State == StateFailed
	})
	return s
}
