package downloader

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"haul/downloader/testserver"
)

// Kind 4's other side: after bytes flowed, every connection is refused:
// the link expired, and the task says so instead of retrying forever.
func TestLinkExpiredAfterBytesFlowed(t *testing.T) {
	f := testserver.File{Size: 8 << 20, Seed: 1210}
	for _, c := range []struct{ status, conns int }{{401, 4}, {403, 4}, {410, 4}, {403, 16}} {
		status := c.status
		t.Run(fmt.Sprint(status, " ", c.conns), func(t *testing.T) {
			ftShortStall(t, 300*time.Millisecond)
			srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(1<<20))
			defer srv.Close()
			m := openTest(t, newMemStore(), t.TempDir(), nil)
			// With a password in the link: a link without a redirect
			// has no original to fall back to, userinfo or not.
			raw := strings.Replace(srv.URL("/f.bin"), "http://", "http://u:p@", 1)
			id := ftAdd(t, m, Request{URL: raw, Options: Options{Connections: c.conns}})
			waitProgress(t, m, id, 1<<20)
			// From now on every request is refused; running bodies
			// crawl until the stall watchdog ends them.
			srv.Set(testserver.WithFail5xx(1<<30, status), testserver.WithPerConnRate(1))
			s := ftEnd(t, m, id)
			// Issue 16: an expired link is a state (paused, waiting for
			// a fresh link), not a failure.
			if s.State != StatePaused || s.ErrorKind != KindLinkExpired || s.Phase != PhaseWaitingLink {
				t.Fatalf("state %s/%s kind %q (%q), want paused %q; log %q", s.State, s.Phase, s.ErrorKind, s.Error, KindLinkExpired, ftLog(s))
			}
			if !strings.Contains(s.Error, "The link has expired") {
				t.Errorf("sentence %q", s.Error)
			}
			if ftLogHas(s, "original link") {
				t.Errorf("fell back from a link that was not redirected: %q", ftLog(s))
			}
			// The refusals of an expired link are no connection limit:
			// none is learned for the run or the host.
			m.hosts.mu.Lock()
			caps := len(m.hosts.capFor)
			m.hosts.mu.Unlock()
			if caps > 0 || ftLogHas(s, "refused more connections") {
				t.Errorf("an expired link taught a connection limit (%d hosts); log %q", caps, ftLog(s))
			}
		})
	}
}

// Issue 15 item 4: a host that refuses TCP connections is named, retried
// with backoff, and the log holds a sentence, not a Go error.
func TestHostRefusesConnections(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now: connect is refused
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	id := ftAdd(t, m, Request{URL: "http://user:secret@" + addr + "/f.bin"})
	want := "The server at " + addr + " refuses connections."
	events, stop := m.Subscribe()
	defer stop()
	deadline := time.After(ftGuard)
	for {
		s, err := m.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		if s.State != StateActive && s.State != StateQueued {
			t.Fatalf("task stopped: %s %q", s.State, s.Error)
		}
		if strings.HasPrefix(s.Error, want) && ftLogHas(s, want) {
			if s.ErrorKind != KindRefused {
				t.Errorf("kind %q, want %q", s.ErrorKind, KindRefused)
			}
			if s.Phase != PhaseRetrying {
				t.Errorf("phase %q, want %q", s.Phase, PhaseRetrying)
			}
			for _, line := range append(ftLog(s), s.Error) {
				if strings.Contains(line, "secret") || strings.Contains(line, "dial tcp") {
					t.Errorf("raw text in %q", line)
				}
			}
			return
		}
		select {
		case <-events:
		case <-deadline:
			t.Fatalf("no %q: %q, log %q", want, s.Error, ftLog(s))
		}
	}
}

func TestKindOfRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = (&net.Dialer{}).DialContext(context.Background(), "tcp", addr)
	if err == nil {
		t.Skip("something listens on the closed port")
	}
	if k := KindOf(err); k != KindRefused {
		t.Errorf("KindOf = %q, want %q", k, KindRefused)
	}
	if errors.Is(err, ErrBadResponse) {
		t.Error("a refused connection is not a bad response")
	}
}

// Kind 4 on resume: every connection asks at once, the server turns the
// extra ones away with 403 before any byte of this run flowed. That is
// still a connection limit, not an expired link.
func TestConnCap403OnResume(t *testing.T) {
	f := testserver.File{Size: 6 << 20, Seed: 1211}
	srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(1<<20))
	defer srv.Close()
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	id := ftAdd(t, m, Request{URL: srv.URL("/f.bin"), Options: Options{Connections: 4}})
	s := ftPauseAt(t, m, id, 2<<20, func() {
		srv.Set(testserver.WithMaxConns(2, 403, ""), testserver.WithPerConnRate(2<<20))
	})
	ftWantFile(t, s, f)
	if srv.Stats().Refused == 0 {
		t.Fatal("the server never refused: the test proves nothing")
	}
}

// TestRefusalOfLeftLink: four connections are refused by an expired
// redirect target together; the first one handled falls back to the
// original link, and the others, handled after it though asked before,
// are asked again at once: no connection limit is learned from them.
func TestRefusalOfLeftLink(t *testing.T) {
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	tk := &task{m: m, rec: TaskRecord{URL: "http://example.test/f", FinalURL: "http://cdn.example.test/once/1/f", Resumable: true}}
	r := &run{t: tk, url: tk.rec.FinalURL, limit: 4, workers: 4, refusedNow: 4}
	tk.conns = 1 // one stream still flows
	expired := &StatusError{Code: 403}
	gen := r.urlGen // all four asked the redirect target
	if act, _ := r.onRefusal(expired, true, gen); act != refusalAgain || r.url != tk.rec.URL {
		t.Fatalf("first refusal: action %v, url %q; want a fall back to the original", act, r.url)
	}
	for i := range 3 {
		act, err := r.onRefusal(expired, true, gen)
		if act != refusalAgain || err != nil {
			t.Fatalf("refusal %d of the left link: action %v (%v), want asked again at once", i+2, act, err)
		}
	}
	if r.learned || r.limit != 4 {
		t.Fatalf("a connection limit was learned from the left link: %d", r.limit)
	}
	// A refusal of the link the run asks now keeps its meaning.
	if act, _ := r.onRefusal(&StatusError{Code: 503}, true, r.urlGen); act == refusalAgain {
		t.Fatal("a refusal of the current link was taken as stale")
	}
}
