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
	if act, _ := r.onRefusal(expired, true, &conn{urlGen: gen}); act != refusalAgain || r.url != tk.rec.URL {
		t.Fatalf("first refusal: action %v, url %q; want a fall back to the original", act, r.url)
	}
	for i := range 3 {
		act, err := r.onRefusal(expired, true, &conn{urlGen: gen})
		if act != refusalAgain || err != nil {
			t.Fatalf("refusal %d of the left link: action %v (%v), want asked again at once", i+2, act, err)
		}
	}
	if r.learned || r.limit != 4 {
		t.Fatalf("a connection limit was learned from the left link: %d", r.limit)
	}
	// A refusal of the link the run asks now keeps its meaning.
	if act, _ := r.onRefusal(&StatusError{Code: 503}, true, &conn{urlGen: r.urlGen}); act == refusalAgain {
		t.Fatal("a refusal of the current link was taken as stale")
	}
}

// connNow is what one of the run's other connections does when a
// refusal is handled.
type connNow int

const (
	flowing     connNow = iota // its body flows (t.conns)
	asked                      // its answer is out
	waiting                    // refused, waiting to ask again
	askingAgain                // refused before; its next answer is out
)

// refusalRun is a run whose other connections do as others says; peak
// request bodies flowed at once on its link before.
func refusalRun(t *testing.T, limit int, learned bool, peak int, others []connNow) *run {
	t.Helper()
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	tk := &task{m: m, rec: TaskRecord{URL: "http://example.test/f", Resumable: true}}
	r := &run{t: tk, url: tk.rec.URL, limit: limit, learned: learned}
	tk.mu.Lock()
	defer tk.mu.Unlock()
	for range peak {
		r.flowBeginLocked(r.urlGen)
	}
	for range peak {
		r.flowEndLocked(r.urlGen)
	}
	for _, c := range others {
		r.workers++
		var mark refusalMark
		switch c {
		case flowing:
			tk.conns++
		case waiting:
			r.markLocked(&mark, true, false)
		case askingAgain:
			r.markLocked(&mark, true, true)
		}
	}
	return r
}

// TestRefusalCount: a refusal lowers the count to what the server
// serves, never below it, in each interleaving that once hid a
// connection from the count (the flake of TestFaultConnectionCap, which
// logged "using 3", and once "using 5", for a server that allows four).
func TestRefusalCount(t *testing.T) {
	cases := []struct {
		name    string
		limit   int
		learned bool
		peak    int
		others  []connNow
		dropped []time.Duration // requests let go, from the refused one's ask
		fresh   bool
		act     refusalAction
		want    int // the limit after
	}{
		{"sixteen at once: the refusals count the answers still out",
			16, false, 1, []connNow{flowing, asked, asked, asked, asked, asked}, nil, true, refusalLeave, 6},
		{"sixteen at once: the burst's last refusal settles at four",
			5, true, 3, []connNow{flowing, flowing, flowing, asked}, nil, true, refusalLeave, 4},
		{"sixteen at once: one finished its small range and left, the server still counts it",
			5, true, 3, []connNow{flowing, flowing, flowing}, []time.Duration{time.Millisecond}, true, refusalLeave, 4},
		{"a newcomer above the count bows out, lowering nothing",
			4, true, 4, []connNow{flowing, flowing, flowing, flowing, waiting}, nil, true, refusalLeave, 4},
		{"a newcomer replacing a connection the server still counts",
			4, true, 4, []connNow{flowing, flowing, flowing}, []time.Duration{-100 * time.Millisecond}, true, refusalRetry, 4},
		{"a newcomer replacing a connection gone long ago: the server allows fewer now",
			4, true, 4, []connNow{flowing, flowing, flowing}, []time.Duration{-time.Second}, true, refusalLeave, 3},
		{"a newcomer refused while a refused one asks again",
			16, false, 2, []connNow{flowing, flowing, askingAgain, asked}, nil, true, refusalLeave, 4},
		{"a connection that delivered, refused while a newcomer's answer is out",
			16, false, 3, []connNow{flowing, flowing, flowing, asked}, nil, false, refusalRetry, 16},
		{"a connection that delivered, refused once the count is known",
			4, true, 4, []connNow{flowing, flowing, flowing}, nil, false, refusalRetry, 4},
		{"a count never served at once is lowered by a connection that delivered",
			5, true, 4, []connNow{flowing, flowing, flowing, flowing}, nil, false, refusalLeave, 4},
		{"a newcomer started as a connection left, refused while the server counts that one",
			4, true, 3, []connNow{flowing, flowing, flowing}, []time.Duration{-20 * time.Millisecond}, true, refusalRetry, 4},
		{"asked again after the server's wait, a newcomer is judged on what works then",
			5, true, 4, []connNow{flowing, flowing, flowing, flowing}, []time.Duration{-time.Second}, true, refusalLeave, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := refusalRun(t, c.limit, c.learned, c.peak, c.others)
			asked := &conn{urlGen: r.urlGen, askedAt: time.Now()}
			for _, d := range c.dropped {
				r.drops = append(r.drops, asked.askedAt.Add(d))
			}
			var mark refusalMark
			r.workers++
			r.markRefused(&mark, true)
			act, err := r.onRefusal(&StatusError{Code: 429}, c.fresh, asked)
			if act != c.act || r.limit != c.want {
				t.Fatalf("action %v (%v), limit %d; want %v, %d", act, err, r.limit, c.act, c.want)
			}
			if act == refusalRetry && !errors.Is(err, errConnLimit) {
				t.Errorf("retried as %v, want a connection limit", err)
			}
		})
	}
}

// TestRefusalBurstSettles: sixteen requests out at once, four served;
// the twelve refusals, handled in any order and each connection leaving
// after its own, settle the count at four, also when a served one
// finishes its small range and leaves amid them while the server still
// counts it (the flake of TestFaultConnectionCap: "using 3").
func TestRefusalBurstSettles(t *testing.T) {
	for _, c := range []struct {
		name  string
		batch int // refusals marked before the first of them is handled
		leave int // a served one leaves after this many refusals; -1 = none
	}{
		{"one at a time", 1, -1},
		{"in pairs", 2, -1},
		{"all at once", 12, -1},
		{"one at a time, a served one leaving", 1, 6},
		{"all at once, a served one leaving", 12, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			// One body flows, three accepted answers are still out.
			r := refusalRun(t, 16, false, 1, []connNow{flowing, asked, asked, asked})
			asked := &conn{urlGen: r.urlGen, askedAt: time.Now()}
			marks := make([]refusalMark, 12)
			r.workers += len(marks)
			handled := 0
			for i := 0; i < len(marks); i += c.batch {
				batch := marks[i:min(i+c.batch, len(marks))]
				for j := range batch {
					r.markRefused(&batch[j], true)
				}
				for j := range batch {
					r.t.mu.Lock()
					if handled == c.leave {
						r.leaveLocked(nil, &refusalMark{}, true)
					}
					r.t.mu.Unlock()
					handled++
					act, err := r.onRefusal(&StatusError{Code: 429}, true, asked)
					r.t.mu.Lock()
					switch {
					case act == refusalLeave:
						r.leaveLocked(nil, &batch[j], false)
					case act != refusalRetry || r.workers > r.limit:
						t.Errorf("refusal %d: action %v (%v) with %d workers for %d", handled, act, err, r.workers, r.limit)
					}
					r.t.mu.Unlock()
				}
			}
			if r.limit != 4 || !r.learned {
				t.Fatalf("limit %d (learned %v), want 4", r.limit, r.learned)
			}
		})
	}
}

// TestRefusalPeakPerLink: a refusal of a connection that delivered is
// a hiccup only where the count was seen served at once, on the link it
// was seen on; after a switch of link it lowers the count to what works
// there.
func TestRefusalPeakPerLink(t *testing.T) {
	for _, c := range []struct {
		name  string
		moved bool
		act   refusalAction
		want  int
	}{{"same link", false, refusalRetry, 4}, {"another link", true, refusalLeave, 3}} {
		t.Run(c.name, func(t *testing.T) {
			r := refusalRun(t, 4, true, 4, []connNow{flowing, flowing, flowing})
			if c.moved {
				r.urlGen++
			}
			var mark refusalMark
			r.workers++
			r.markRefused(&mark, true)
			if act, err := r.onRefusal(&StatusError{Code: 429}, false, &conn{urlGen: r.urlGen}); act != c.act || r.limit != c.want {
				t.Fatalf("action %v (%v), limit %d; want %v at %d", act, err, r.limit, c.act, c.want)
			}
		})
	}
}

// TestFlowPeakPerLink: the bodies counted at once are the current link's:
// after a switch of link the old link's streams flow on until their
// requests end, and neither count toward the new link's peak nor take
// its count below what flows there when they end.
func TestFlowPeakPerLink(t *testing.T) {
	r := &run{}
	for range 3 {
		r.flowBeginLocked(0)
	}
	if got := r.flowPeakLocked(); got != 3 {
		t.Fatalf("peak on the first link %d, want 3", got)
	}
	r.urlGen++ // the run falls back to the original link
	if got := r.flowPeakLocked(); got != 0 {
		t.Fatalf("peak right after the switch %d, want 0", got)
	}
	if r.flowBeginLocked(0) {
		t.Fatal("a body of the link left since was counted")
	}
	r.flowBeginLocked(1)
	if got := r.flowPeakLocked(); got != 1 {
		t.Fatalf("peak with one body on the new link and three on the old %d, want 1", got)
	}
	for range 3 {
		r.flowEndLocked(0)
	}
	r.flowBeginLocked(1)
	if r.flowing != 2 || r.flowPeakLocked() != 2 {
		t.Fatalf("after the old streams ended: %d flowing, peak %d; want 2 and 2", r.flowing, r.flowPeakLocked())
	}
}

func (a refusalAction) String() string {
	return [...]string{"retry", "leave", "again", "fail"}[a]
}
