package testserver

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

// open starts a GET and reads the first n body bytes, leaving the rest
// pending; the body is closed at cleanup.
func open(t *testing.T, s *Server, path string, n int) *http.Response {
	t.Helper()
	resp, err := s.Client().Get(s.URL(path))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if _, err := io.ReadFull(resp.Body, make([]byte, n)); err != nil {
		t.Fatalf("reading first %d bytes: %v", n, err)
	}
	return resp
}

func TestMaxConns(t *testing.T) {
	for _, c := range []struct {
		status, want int
		retry        string
	}{
		{0, 503, ""},
		{429, 429, "3"},
	} {
		// Stalled bodies hold their slot for as long as the test needs.
		s := newServer(t, WithFile("/f", File{Size: 1000, Seed: 1}), WithStall(10, time.Hour), WithMaxConns(2, c.status, c.retry))
		open(t, s, "/f", 10)
		open(t, s, "/f", 10)
		resp, _, _ := do(t, s, "GET", "/f")
		if resp.StatusCode != c.want || resp.Header.Get("Retry-After") != c.retry {
			t.Errorf("third request: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		if st := s.Stats(); st.PeakInFlight != 2 || st.Refused != 1 || st.InFlight != 2 || st.PeakConns < 3 {
			t.Errorf("stats = %+v", st)
		}
		// Raising the cap lets the next one in.
		s.Set(WithMaxConns(3, c.status, c.retry))
		if r := open(t, s, "/f", 10); r.StatusCode != 200 {
			t.Errorf("after raising the cap: %d", r.StatusCode)
		}
		s.Close()
	}
}

func TestFailures(t *testing.T) {
	s := newServer(t, WithFile("/f", File{Size: 10}), WithFail5xx(2, 503), WithStatus429(1, "7"))
	for i, want := range []int{503, 503, 429, 200} {
		resp, _, _ := do(t, s, "GET", "/f")
		if resp.StatusCode != want {
			t.Errorf("request %d: %d, want %d", i, resp.StatusCode, want)
		}
		if want == 429 && resp.Header.Get("Retry-After") != "7" {
			t.Errorf("429 Retry-After = %q", resp.Header.Get("Retry-After"))
		}
	}
	s.Set(WithFail5xx(1, 0))
	if resp, _, _ := do(t, s, "HEAD", RedirectPath(2, "/f")); resp.StatusCode != 500 {
		t.Errorf("Fail5xx default status: %d", resp.StatusCode)
	}
	if n := s.Stats().Refused; n != 4 {
		t.Errorf("refused = %d", n)
	}
}

func TestResetAfter(t *testing.T) {
	const size = 1 << 20
	for _, c := range []struct {
		name  string
		reset Reset
		cuts  []bool // per sequential GET
		exact bool   // the client must see exactly After bytes
	}{
		{"every", Reset{After: 1000}, []bool{true, true}, true},
		{"at zero", Reset{After: 0}, []bool{true}, true},
		{"beyond body", Reset{After: size}, []bool{false}, false},
		{"every 2nd", Reset{After: 70_000, Every: 2}, []bool{false, true, false, true}, true},
		{"abortive", Reset{After: 300_000, Abortive: true}, []bool{true, true}, false},
	} {
		s := newServer(t, WithFile("/f", File{Size: size, Seed: 2}), WithReset(c.reset))
		for i, want := range c.cuts {
			resp, body, err := do(t, s, "GET", "/f")
			if resp.ContentLength != size {
				t.Errorf("%s #%d: announced %d", c.name, i, resp.ContentLength)
			}
			if got := isCut(err); got != want {
				t.Errorf("%s #%d: cut = %v (%v), want %v", c.name, i, got, err, want)
				continue
			}
			switch {
			case !want && sum(body) != SHA256(2, size):
				t.Errorf("%s #%d: wrong full body", c.name, i)
			case want && c.exact && int64(len(body)) != c.reset.After:
				t.Errorf("%s #%d: got %d bytes, want %d", c.name, i, len(body), c.reset.After)
			case want && (int64(len(body)) > c.reset.After || !bytes.Equal(body, slice(2, 0, int64(len(body))))):
				t.Errorf("%s #%d: %d bytes, not a prefix up to the cut", c.name, i, len(body))
			}
		}
		s.Close()
	}
}

func TestResetProbabilityIsSeeded(t *testing.T) {
	run := func() string {
		s := newServer(t, WithFile("/f", File{Size: 5000}), WithReset(Reset{After: 100, Prob: 0.5, Seed: 11}))
		defer s.Close()
		var pattern strings.Builder
		for range 24 {
			_, _, err := do(t, s, "GET", "/f")
			pattern.WriteString(map[bool]string{true: "x", false: "."}[isCut(err)])
		}
		if n := s.Stats().Cuts; n != int64(strings.Count(pattern.String(), "x")) {
			t.Errorf("Cuts = %d for %s", n, pattern.String())
		}
		return pattern.String()
	}
	a, b := run(), run()
	if a != b || !strings.Contains(a, "x") || !strings.Contains(a, ".") {
		t.Errorf("patterns %s and %s: want equal and mixed", a, b)
	}
}

func TestTruncate(t *testing.T) {
	for _, unknown := range []bool{false, true} {
		s := newServer(t, WithFile("/f", File{Size: 100_000, Seed: 3}), WithTruncate(12_345), WithUnknownLength(unknown), WithUnknownLengthRanges(true))
		resp, body, err := do(t, s, "GET", "/f")
		if !isCut(err) || len(body) != 12_345 || !bytes.Equal(body, slice(3, 0, 12_345)) {
			t.Errorf("unknown=%v: %d bytes, err %v", unknown, len(body), err)
		}
		if !unknown && resp.ContentLength != 100_000 {
			t.Errorf("announced %d", resp.ContentLength)
		}
		// A range shorter than the cut point is whole.
		if _, body, err = do(t, s, "GET", "/f", "Range", "bytes=0-99"); err != nil || len(body) != 100 {
			t.Errorf("unknown=%v: short range: %d bytes, %v", unknown, len(body), err)
		}
	}
}

func TestLieLength(t *testing.T) {
	const size, extra = 5000, 777
	s := newServer(t, WithFile("/f", File{Size: size, Seed: 6}), WithLieLength(extra))
	for _, c := range []struct {
		rng      string
		status   int
		start, n int64
	}{
		{"", 200, 0, size},
		{"bytes=1000-1999", 206, 1000, 1000},
	} {
		conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL(""), "http://"))
		if err != nil {
			t.Fatal(err)
		}
		req := "GET /f HTTP/1.1\r\nHost: x\r\n"
		if c.rng != "" {
			req += "Range: " + c.rng + "\r\n"
		}
		fmt.Fprintf(conn, "%s\r\n", req)
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != c.status || resp.ContentLength != c.n {
			t.Errorf("%q: %d length %d", c.rng, resp.StatusCode, resp.ContentLength)
		}
		// Everything up to the close: the announced body plus the lie.
		raw, err := io.ReadAll(br)
		conn.Close()
		if err != nil || int64(len(raw)) != c.n+extra || !bytes.Equal(raw, slice(6, c.start, c.n+extra)) {
			t.Errorf("%q: %d raw bytes (%v), want %d", c.rng, len(raw), err, c.n+extra)
		}
	}
	// HEAD needs no lie.
	if resp, _, _ := do(t, s, "HEAD", "/f"); resp.ContentLength != size {
		t.Errorf("HEAD length %d", resp.ContentLength)
	}
	// A chunked body has no length to exceed: the lie is not told.
	s.Set(WithUnknownLength(true))
	if _, body, err := do(t, s, "GET", "/f"); err != nil || sum(body) != SHA256(6, size) {
		t.Errorf("chunked with lie: %d bytes, %v", len(body), err)
	}
}

func TestStallThenFinish(t *testing.T) {
	s := newServer(t, WithFile("/f", File{Size: 300_000, Seed: 7}), WithStall(100_000, 30*time.Millisecond))
	if _, body, err := do(t, s, "GET", "/f"); err != nil || sum(body) != SHA256(7, 300_000) {
		t.Errorf("stalled GET: %d bytes, %v", len(body), err)
	}
}

// TestCloseEndsPendingResponses checks that Close returns promptly however a
// response is stuck, and that no server goroutine survives it.
func TestCloseEndsPendingResponses(t *testing.T) {
	for _, c := range []struct {
		name string
		opts []Option
		read int
	}{
		{"stall", []Option{WithStall(10, time.Hour)}, 10},
		{"slow rate", []Option{WithPerConnRate(1000)}, 10},
		{"client not reading", nil, 0},
		{"raw lie stalled", []Option{WithLieLength(10), WithStall(10, time.Hour)}, 10},
		{"unknown length stall", []Option{WithUnknownLength(true), WithStall(10, time.Hour)}, 10},
	} {
		s := New(append([]Option{WithFile("/f", File{Size: 1 << 30, Seed: 1})}, c.opts...)...)
		resp := open(t, s, "/f", c.read)
		if c.read == 0 {
			time.Sleep(50 * time.Millisecond) // let the server fill the socket buffers
		}
		closed := make(chan struct{})
		go func() { s.Close(); close(closed) }()
		select {
		case <-closed:
		case <-time.After(20 * time.Second): // generous: only a hang fails
			t.Fatalf("%s: Close blocked", c.name)
		}
		if _, err := io.Copy(io.Discard, resp.Body); err == nil {
			t.Errorf("%s: body ended cleanly after Close", c.name)
		}
		if st := s.Stats(); st.InFlight != 0 {
			t.Errorf("%s: %d requests in flight after Close", c.name, st.InFlight)
		}
		if stacks := settledServerStacks(); stacks != "" {
			t.Errorf("%s: goroutines left in the server:\n%s", c.name, stacks)
		}
		s.Close() // idempotent
	}
}

// settledServerStacks is serverStacks once handlers that already called
// release have unwound: Close returns at their WaitGroup.Done, a moment
// before their last frames are gone (the way goleak retries). A handler
// still stuck shows after the grace period.
func settledServerStacks() string {
	deadline := time.Now().Add(2 * time.Second)
	for {
		stacks := serverStacks()
		if stacks == "" || time.Now().After(deadline) {
			return stacks
		}
		runtime.Gosched()
		time.Sleep(5 * time.Millisecond)
	}
}

// serverStacks returns the stacks of goroutines running Server methods.
func serverStacks() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "testserver.(*Server)") {
			out = append(out, g)
		}
	}
	return strings.Join(out, "\n\n")
}

func TestRequestsAfterClose(t *testing.T) {
	s := New(WithFile("/f", File{Size: 10}))
	u := s.URL("/f")
	s.Close()
	if resp, err := http.Get(u); err == nil {
		resp.Body.Close()
		t.Errorf("request after Close answered %d", resp.StatusCode)
	}
}

// Pacing is only checked from below: a loaded machine makes transfers
// slower, never faster, so these bounds cannot flake.
func TestRates(t *testing.T) {
	const rate = 64 << 10
	for _, c := range []struct {
		name string
		opt  Option
		rng  string
		n    int64
		min  time.Duration
	}{
		{"per conn", WithPerConnRate(rate), "bytes=0-32767", rate / 2, 350 * time.Millisecond},
		{"slow Nth", WithSlowConn(SlowConn{Nth: 1, Rate: rate}), "bytes=0-32767", rate / 2, 350 * time.Millisecond},
		{"slow MinStart", WithSlowConn(SlowConn{MinStart: 1000, Rate: rate}), "bytes=1000-33767", rate / 2, 350 * time.Millisecond},
	} {
		s := newServer(t, WithFile("/f", File{Size: 1 << 20, Seed: 1}), c.opt)
		start := time.Now()
		var hdr []string
		if c.rng != "" {
			hdr = []string{"Range", c.rng}
		}
		_, body, err := do(t, s, "GET", "/f", hdr...)
		if took := time.Since(start); err != nil || int64(len(body)) < c.n || took < c.min {
			t.Errorf("%s: %d bytes in %v (%v), want at least %v", c.name, len(body), took, err, c.min)
		}
	}
	// Rules that do not match leave a response at full speed; only check
	// that the body is right, not how fast it came.
	s := newServer(t, WithFile("/f", File{Size: 1 << 20, Seed: 1}), WithSlowConn(SlowConn{Nth: 2, MinStart: 1 << 19, Rate: 1}))
	if _, body, err := do(t, s, "GET", "/f", "Range", "bytes=0-99"); err != nil || len(body) != 100 {
		t.Errorf("unmatched slow rule: %d bytes, %v", len(body), err)
	}
	// A rate can be lifted while a body is being paced.
	s.Set(WithPerConnRate(1000))
	resp := open(t, s, "/f", 10)
	s.Set(WithPerConnRate(0))
	if n, err := io.Copy(io.Discard, resp.Body); err != nil || n != 1<<20-10 {
		t.Errorf("after lifting the rate: %d bytes, %v", n, err)
	}
}
