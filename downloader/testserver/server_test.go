package testserver

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

func newServer(t *testing.T, opts ...Option) *Server {
	t.Helper()
	s := New(opts...)
	t.Cleanup(s.Close)
	return s
}

// do sends a request with the given header pairs and reads the whole body;
// err is the body read error, if any.
func do(t *testing.T, s *Server, method, path string, hdr ...string) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL(path), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func slice(seed uint64, off, n int64) []byte {
	b := make([]byte, n)
	Source(seed).ReadAt(b, off)
	return b
}

func TestFullGet(t *testing.T) {
	for _, size := range []int64{0, 1, 7, 4099, 1<<20 + 5, 5 << 20} {
		s := newServer(t, WithFile("/f", File{Size: size, Seed: 3}))
		resp, body, err := do(t, s, "GET", "/f")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("size %d: %d, %v", size, resp.StatusCode, err)
		}
		if resp.ContentLength != size || sum(body) != SHA256(3, size) {
			t.Errorf("size %d: got %d bytes, wrong content or length", size, len(body))
		}
		v, _ := s.File("/f")
		for k, want := range map[string]string{
			"Accept-Ranges": "bytes", "ETag": v.ETag, "Last-Modified": v.LastModified,
			"Content-Type": "application/octet-stream",
		} {
			if got := resp.Header.Get(k); got != want || want == "" {
				t.Errorf("size %d: %s = %q, want %q", size, k, got, want)
			}
		}
		if st := s.Stats(); st.BytesServed != size || st.Requests != 1 {
			t.Errorf("stats = %+v", st)
		}
	}
}

func TestHeadersAndHead(t *testing.T) {
	hostile := "attachment; filename=\"../../etc/passwd\"; filename*=UTF-8''%E2%80%AE.exe"
	s := newServer(t, WithFile("a/b.bin", File{Size: 1234, Seed: 1, ContentDisposition: hostile, ContentType: "text/x-weird"}),
		WithFile("/plain", File{Size: 10, NoETag: true, NoLastModified: true}))
	resp, body, _ := do(t, s, "HEAD", "/a/b.bin")
	if resp.StatusCode != 200 || len(body) != 0 || resp.ContentLength != 1234 {
		t.Errorf("HEAD: %d, %d body bytes, length %d", resp.StatusCode, len(body), resp.ContentLength)
	}
	if got := resp.Header.Get("Content-Disposition"); got != hostile {
		t.Errorf("Content-Disposition = %q", got)
	}
	if got := resp.Header.Get("Content-Type"); got != "text/x-weird" {
		t.Errorf("Content-Type = %q", got)
	}
	resp, _, _ = do(t, s, "GET", "/plain")
	if resp.Header.Get("ETag") != "" || resp.Header.Get("Last-Modified") != "" {
		t.Errorf("validators sent: %v", resp.Header)
	}
	if resp, _, _ = do(t, s, "GET", "/missing"); resp.StatusCode != 404 {
		t.Errorf("missing file: %d", resp.StatusCode)
	}
	if resp, _, _ = do(t, s, "POST", "/plain"); resp.StatusCode != 405 {
		t.Errorf("POST: %d", resp.StatusCode)
	}
}

func TestRanges(t *testing.T) {
	const size = 1000
	s := newServer(t, WithFile("/f", File{Size: size, Seed: 5}))
	for _, c := range []struct {
		rng        string
		status     int
		start, end int64 // inclusive, for 206
		cr         string
	}{
		{"bytes=0-99", 206, 0, 99, "bytes 0-99/1000"},
		{"bytes=990-", 206, 990, 999, "bytes 990-999/1000"},
		{"bytes=-10", 206, 990, 999, "bytes 990-999/1000"},
		{"bytes=-5000", 206, 0, 999, "bytes 0-999/1000"},
		{"bytes=500-5000", 206, 500, 999, "bytes 500-999/1000"},
		{"bytes=999-999", 206, 999, 999, "bytes 999-999/1000"},
		{"Bytes = 3-4", 206, 3, 4, "bytes 3-4/1000"},
		{"bytes=1000-", 416, 0, 0, "bytes */1000"},
		{"bytes=5000-6000", 416, 0, 0, "bytes */1000"},
		{"bytes=-0", 416, 0, 0, "bytes */1000"},
		{"bytes=0-1,5-6", 200, 0, 0, ""}, // multi-range: whole file
		{"bytes=5-1", 200, 0, 0, ""},
		{"bytes=+1-2", 200, 0, 0, ""},
		{"items=0-1", 200, 0, 0, ""},
		{"bytes=abc", 200, 0, 0, ""},
	} {
		resp, body, err := do(t, s, "GET", "/f", "Range", c.rng)
		if err != nil || resp.StatusCode != c.status {
			t.Errorf("%q: status %d, %v; want %d", c.rng, resp.StatusCode, err, c.status)
			continue
		}
		if got := resp.Header.Get("Content-Range"); got != c.cr {
			t.Errorf("%q: Content-Range %q, want %q", c.rng, got, c.cr)
		}
		switch c.status {
		case 206:
			if want := slice(5, c.start, c.end-c.start+1); !bytes.Equal(body, want) {
				t.Errorf("%q: wrong body (%d bytes)", c.rng, len(body))
			}
		case 200:
			if sum(body) != SHA256(5, size) {
				t.Errorf("%q: 200 body is not the whole file", c.rng)
			}
		}
	}
	resp, body, _ := do(t, s, "HEAD", "/f", "Range", "bytes=10-19")
	if resp.StatusCode != 206 || resp.ContentLength != 10 || len(body) != 0 {
		t.Errorf("HEAD range: %d, length %d", resp.StatusCode, resp.ContentLength)
	}
	if st := s.Stats(); st.Ranged != 16 || len(st.Ranges) != 16 || st.Ranges[0] != "bytes=0-99" {
		t.Errorf("range stats: %d, %q", st.Ranged, st.Ranges)
	}
}

func TestIfRange(t *testing.T) {
	s := newServer(t, WithFile("/f", File{Size: 500, Seed: 1}))
	v, _ := s.File("/f")
	for _, c := range []struct {
		name, ifRange string
		status        int
	}{
		{"etag match", v.ETag, 206},
		{"etag mismatch", `"other"`, 200},
		{"weak etag", "W/" + v.ETag, 200},
		{"date match", v.LastModified, 206},
		{"old date", "Mon, 02 Jan 2006 15:04:05 GMT", 200},
		{"garbage", "yesterday", 200},
	} {
		resp, body, _ := do(t, s, "GET", "/f", "Range", "bytes=100-", "If-Range", c.ifRange)
		if resp.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", c.name, resp.StatusCode, c.status)
		}
		if c.status == 200 && sum(body) != SHA256(1, 500) {
			t.Errorf("%s: 200 body is not the whole file", c.name)
		}
	}
	// After a change the client's old validator must get the new file whole.
	if !s.Replace("/f", 2) {
		t.Fatal("Replace: no file")
	}
	resp, body, _ := do(t, s, "GET", "/f", "Range", "bytes=100-", "If-Range", v.ETag)
	if resp.StatusCode != 200 || sum(body) != SHA256(2, 500) || resp.Header.Get("ETag") == v.ETag {
		t.Errorf("after Replace: %d, ETag %s", resp.StatusCode, resp.Header.Get("ETag"))
	}
}

func TestNoRangesToggle(t *testing.T) {
	s := newServer(t, WithFile("/f", File{Size: 300, Seed: 9}), WithNoRanges(true))
	resp, body, _ := do(t, s, "GET", "/f", "Range", "bytes=0-9")
	if resp.StatusCode != 200 || len(body) != 300 || resp.Header.Get("Accept-Ranges") != "" {
		t.Errorf("NoRanges: %d, %d bytes, Accept-Ranges %q", resp.StatusCode, len(body), resp.Header.Get("Accept-Ranges"))
	}
	s.Set(WithNoRanges(false))
	if resp, body, _ = do(t, s, "GET", "/f", "Range", "bytes=0-9"); resp.StatusCode != 206 || len(body) != 10 {
		t.Errorf("after Set: %d, %d bytes", resp.StatusCode, len(body))
	}
}

func TestUnknownLength(t *testing.T) {
	for _, c := range []struct {
		name   string
		ranges bool
		size   int64
		status int
		cr     string
	}{
		{"small, no ranges", false, 100, 200, ""},
		{"large, no ranges", false, 3 << 20, 200, ""},
		{"ranges", true, 100, 206, "bytes 10-19/*"},
	} {
		s := newServer(t, WithFile("/f", File{Size: c.size, Seed: 4}), WithUnknownLength(true), WithUnknownLengthRanges(c.ranges))
		resp, body, err := do(t, s, "GET", "/f")
		if err != nil || resp.ContentLength != -1 || len(resp.TransferEncoding) != 1 || sum(body) != SHA256(4, c.size) {
			t.Errorf("%s: full GET: length %d, TE %v, %v", c.name, resp.ContentLength, resp.TransferEncoding, err)
		}
		resp, body, _ = do(t, s, "GET", "/f", "Range", "bytes=10-19")
		if resp.StatusCode != c.status || resp.Header.Get("Content-Range") != c.cr || resp.ContentLength != -1 {
			t.Errorf("%s: range: %d %q length %d", c.name, resp.StatusCode, resp.Header.Get("Content-Range"), resp.ContentLength)
		}
		if c.status == 206 && !bytes.Equal(body, slice(4, 10, 10)) {
			t.Errorf("%s: wrong range body", c.name)
		}
		if got := resp.Header.Get("Accept-Ranges") != ""; got != c.ranges {
			t.Errorf("%s: Accept-Ranges sent = %v", c.name, got)
		}
		if resp, _, _ = do(t, s, "HEAD", "/f"); resp.ContentLength != -1 {
			t.Errorf("%s: HEAD length %d", c.name, resp.ContentLength)
		}
	}
}

func TestRedirects(t *testing.T) {
	s := newServer(t, WithFile("/f", File{Size: 2000, Seed: 8}))
	resp, body, _ := do(t, s, "GET", RedirectPath(3, "/f"))
	if resp.StatusCode != 200 || sum(body) != SHA256(8, 2000) || resp.Request.URL.Path != "/f" {
		t.Errorf("chain: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	if n := s.Stats().Redirects; n != 3 {
		t.Errorf("redirects = %d, want 3", n)
	}
	if resp, _, _ = do(t, s, "GET", RedirectPath(0, "/f")); resp.StatusCode != 200 {
		t.Errorf("/r/0: %d", resp.StatusCode)
	}

	// The client must not follow these by itself.
	noFollow := &http.Client{Transport: s.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for path, want := range map[string]string{
		SchemePath("/f"):                 "ftp://" + strings.TrimPrefix(s.URL(""), "http://") + "/f",
		RedirectTo("file:///etc/passwd"): "file:///etc/passwd",
		RedirectTo("/f?x=1"):             "/f?x=1",
	} {
		resp, err := noFollow.Get(s.URL(path))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 302 || resp.Header.Get("Location") != want {
			t.Errorf("%s: %d Location %q, want %q", path, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
	if _, err := s.Client().Get(s.URL(SchemePath("/f"))); err == nil {
		t.Error("client followed a redirect to ftp")
	}

	// One-shot target: first use works, the next gets 403, the original
	// URL hands out a new one.
	resp, body, _ = do(t, s, "GET", ExpiringPath("/f"))
	final := resp.Request.URL.Path
	if resp.StatusCode != 200 || sum(body) != SHA256(8, 2000) || !strings.HasPrefix(final, "/once/") {
		t.Fatalf("expiring: %d at %s", resp.StatusCode, final)
	}
	if resp, _, _ = do(t, s, "GET", final, "Range", "bytes=0-9"); resp.StatusCode != 403 {
		t.Errorf("reused one-shot URL: %d, want 403", resp.StatusCode)
	}
	if resp, _, _ = do(t, s, "GET", ExpiringPath("/f"), "Range", "bytes=0-9"); resp.StatusCode != 206 {
		t.Errorf("fresh one-shot URL: %d", resp.StatusCode)
	}
}

func TestChangeAfterAndReplace(t *testing.T) {
	const size = 100_000
	next := File{Size: 80_000, Seed: 99}
	s := newServer(t, WithFile("/f", File{Size: size, Seed: 1}), WithChangeAfter("/f", 50_000, next))
	before, _ := s.File("/f")
	// The running response finishes with the content it started with.
	resp, body, err := do(t, s, "GET", "/f")
	if err != nil || resp.Header.Get("ETag") != before.ETag || sum(body) != SHA256(1, size) {
		t.Fatalf("first GET: %v", err)
	}
	resp, body, _ = do(t, s, "GET", "/f")
	if resp.Header.Get("ETag") == before.ETag || resp.Header.Get("Last-Modified") == before.LastModified {
		t.Errorf("validators unchanged after ChangeAfter")
	}
	if resp.ContentLength != next.Size || sum(body) != next.SHA256() {
		t.Errorf("new content wrong: %d bytes", len(body))
	}
	// One-shot: serving more does not change it again.
	after, _ := s.File("/f")
	do(t, s, "GET", "/f")
	if v, _ := s.File("/f"); v.ETag != after.ETag {
		t.Error("ChangeAfter fired twice")
	}
	s.Replace("/f", 100)
	if v, _ := s.File("/f"); v.ETag == after.ETag || v.Seed != 100 || v.Size != next.Size {
		t.Errorf("Replace: %+v", v)
	}
	if s.Replace("/nope", 1) {
		t.Error("Replace of a missing file reported success")
	}
}

func TestStatsConnections(t *testing.T) {
	s := newServer(t, WithFile("/f", File{Size: 10, Seed: 1}))
	for range 3 {
		do(t, s, "GET", "/f", "Range", "bytes=1-2")
	}
	st := s.Stats()
	if st.Requests != 3 || st.Ranged != 3 || st.BytesServed != 6 || st.PeakConns < 1 || st.PeakInFlight != 1 {
		t.Errorf("stats = %+v", st)
	}
	s.ResetStats()
	if st := s.Stats(); st.Requests != 0 || len(st.Ranges) != 0 {
		t.Errorf("after ResetStats: %+v", st)
	}
}

func isCut(err error) bool {
	return err != nil && !errors.Is(err, io.EOF)
}

func BenchmarkGet(b *testing.B) {
	const size = 64 << 20
	s := New(WithFile("/f", File{Size: size, Seed: 1}))
	defer s.Close()
	b.SetBytes(size)
	for b.Loop() {
		resp, err := s.Client().Get(s.URL("/f"))
		if err != nil {
			b.Fatal(err)
		}
		if n, _ := io.Copy(io.Discard, resp.Body); n != size {
			b.Fatalf("got %d bytes", n)
		}
		resp.Body.Close()
	}
}
