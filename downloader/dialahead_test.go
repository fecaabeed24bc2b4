package downloader

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"haul/downloader/testserver"
)

// pipeDialer dials in-memory connections, counts them and reports each
// close on closed.
type pipeDialer struct {
	dials  atomic.Int64
	closed chan struct{}
}

type countedConn struct {
	net.Conn
	closed chan struct{}
	once   sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.closed <- struct{}{} })
	return c.Conn.Close()
}

func (p *pipeDialer) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p.dials.Add(1)
	a, b := net.Pipe()
	b.Close()
	return &countedConn{Conn: a, closed: p.closed}, nil
}

// closes waits for n closes reported on ch, failing after 10 s.
func closes(t *testing.T, ch <-chan struct{}, n int) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for range n {
		select {
		case <-ch:
		case <-timeout:
			t.Fatalf("fewer than %d connections closed in 10 s", n)
		}
	}
}

// TestAheadDialer: connections dialed ahead are handed out before any new
// dial, to their own address only, and those not taken are closed when
// the dialing context ends; those handed out are not.
func TestAheadDialer(t *testing.T) {
	cases := []struct {
		name      string
		ahead     int
		take      int
		otherAddr bool
		wantDials int64 // in all
		wantLeft  int   // in the stock when its context ends
	}{
		{"all taken: no dial of its own", 3, 3, false, 3, 0},
		{"more wanted than stocked: the rest are dialed", 2, 5, false, 5, 0},
		{"another address is dialed afresh", 3, 2, true, 5, 3},
		{"some taken, the rest closed", 4, 1, false, 4, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pd := &pipeDialer{closed: make(chan struct{}, 16)}
			a := newAheadDialer(pd.dial)
			ctx, cancel := context.WithCancel(context.Background())
			<-a.ahead(ctx, "tcp", "far:443", c.ahead)
			if got := a.stocked("tcp", "far:443"); got != c.ahead {
				t.Fatalf("%d stocked, want %d", got, c.ahead)
			}
			addr := "far:443"
			if c.otherAddr {
				addr = "other:443"
			}
			for range c.take {
				if _, err := a.DialContext(context.Background(), "tcp", addr); err != nil {
					t.Fatal(err)
				}
			}
			if got := pd.dials.Load(); got != c.wantDials {
				t.Fatalf("%d dials, want %d", got, c.wantDials)
			}
			if got := a.stocked("tcp", "far:443"); got != c.wantLeft {
				t.Fatalf("%d left in the stock, want %d", got, c.wantLeft)
			}
			cancel()
			closes(t, pd.closed, c.wantLeft)
			if a.stocked("tcp", "far:443") != 0 {
				t.Fatal("the stock kept connections after its context ended")
			}
			select {
			case <-pd.closed:
				t.Fatal("a connection handed out was closed with the stock")
			default:
			}
		})
	}
}

// TestAheadDialerLateDial: a dial that completes after its context ended
// is closed at once, never stocked.
func TestAheadDialerLateDial(t *testing.T) {
	release := make(chan struct{})
	pd := &pipeDialer{closed: make(chan struct{}, 4)}
	a := newAheadDialer(func(ctx context.Context, network, addr string) (net.Conn, error) {
		<-release
		return pd.dial(context.Background(), network, addr)
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := a.ahead(ctx, "tcp", "far:443", 2)
	cancel()
	close(release)
	<-done
	closes(t, pd.closed, 2)
	if a.stocked("tcp", "far:443") != 0 {
		t.Fatal("a late dial was stocked")
	}
}

// TestFarPathDialsAhead: on a far path the connections of the jump are
// dialed while the first request waits for its answer, not after it;
// on a near path none are.
func TestFarPathDialsAhead(t *testing.T) {
	const MiB = 1 << 20
	cases := []struct {
		name      string
		handshake time.Duration
		wantAhead bool
	}{
		{"far: 20 ms handshakes", 20 * time.Millisecond, true},
		{"near", 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := testserver.File{Size: 8 * MiB, Seed: 41}
			var mu sync.Mutex
			var answered time.Time // when the first answer was let go
			srv := testserver.New(testserver.WithFile("/f", f), testserver.WithPerConnRate(MiB),
				testserver.WithAnswerDelay(func(*http.Request, int) time.Duration {
					mu.Lock()
					defer mu.Unlock()
					if answered.IsZero() {
						// The first answer waits long enough that the
						// dials it overlaps are told apart on a busy
						// machine.
						answered = time.Now().Add(300 * time.Millisecond)
						return 300 * time.Millisecond
					}
					return 20 * time.Millisecond
				}))
			defer srv.Close()
			var dialsBefore atomic.Int64
			d := &net.Dialer{Control: func(string, string, syscall.RawConn) error {
				time.Sleep(c.handshake)
				return nil
			}}
			dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
				mu.Lock()
				before := answered.IsZero() || time.Now().Before(answered)
				mu.Unlock()
				if before {
					dialsBefore.Add(1)
				}
				return d.DialContext(ctx, network, addr)
			}
			m := openTest(t, newMemStore(), t.TempDir(), func(cfg *Config) { cfg.Dial = dial })
			id := ftAdd(t, m, Request{URL: srv.URL("/f")})
			s := ftEnd(t, m, id)
			ftWantFile(t, s, f)
			got := dialsBefore.Load()
			if c.wantAhead && got < rampFreeTo {
				t.Fatalf("%d connections dialed before the first answer, want the jump's %d", got, rampFreeTo)
			}
			if !c.wantAhead && got != 1 {
				t.Fatalf("%d connections dialed before the first answer on a near path, want 1", got)
			}
		})
	}
}

// TestDialAheadFollowsTheLastHop: a run dials ahead once per address, at
// most what the host's cap allows; a far handshake to a redirect's next
// hop closes what the earlier hop stocked, and the final answer's address
// keeps its stock while any other is closed.
func TestDialAheadFollowsTheLastHop(t *testing.T) {
	pd := &pipeDialer{closed: make(chan struct{}, 64)}
	m := openTest(t, newMemStore(), t.TempDir(), func(cfg *Config) { cfg.Dial = pd.dial })
	a := m.ahead
	m.hosts.learn("cdn", 4)      // the server was seen to take four
	m.hosts.acquire("cdn", true) // another task holds one of them
	r := &run{t: &task{m: m}, ctx: context.Background()}

	<-r.dialAhead(a, "site:443")
	if got := a.stocked("tcp", "site:443"); got != rampFreeTo-1 {
		t.Fatalf("%d dialed ahead to the first hop, want %d", got, rampFreeTo-1)
	}
	if r.dialAhead(a, "site:443") != nil || pd.dials.Load() != rampFreeTo-1 {
		t.Fatalf("the same address dialed ahead twice (%d dials)", pd.dials.Load())
	}
	<-r.dialAhead(a, "cdn:443")
	closes(t, pd.closed, rampFreeTo-1)
	if a.stocked("tcp", "site:443") != 0 {
		t.Fatal("the earlier hop's stock was kept")
	}
	if got := a.stocked("tcp", "cdn:443"); got != 2 {
		t.Fatalf("%d dialed ahead to a host that takes four, one taken, want 2", got)
	}
	big := &probed{resumable: true, size: 64 << 20}
	r.keepAhead(big, "cdn:443")
	select {
	case <-pd.closed:
		t.Fatal("the final hop's stock was closed")
	default:
	}
	r.keepAhead(big, "proxy:3128")
	closes(t, pd.closed, 2)
}

// TestKeepAheadReadsTheAnswer: once the answer is final, the stock is
// closed at once where the jump will not want it.
func TestKeepAheadReadsTheAnswer(t *testing.T) {
	cases := []struct {
		name string
		p    probed
		keep bool
	}{
		{"a large resumable file", probed{resumable: true, size: 64 << 20}, true},
		{"no ranges", probed{size: 64 << 20}, false},
		{"size unknown", probed{resumable: true, size: -1}, false},
		{"within the first request", probed{resumable: true, size: probeSpan}, false},
		{"a video playlist", probed{resumable: true, size: 64 << 20, playlist: true}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pd := &pipeDialer{closed: make(chan struct{}, 64)}
			m := openTest(t, newMemStore(), t.TempDir(), func(cfg *Config) { cfg.Dial = pd.dial })
			r := &run{t: &task{m: m}, ctx: context.Background()}
			<-r.dialAhead(m.ahead, "far:443")
			r.keepAhead(&c.p, "far:443")
			if c.keep {
				if got := m.ahead.stocked("tcp", "far:443"); got != rampFreeTo-1 {
					t.Fatalf("%d kept, want %d", got, rampFreeTo-1)
				}
				return
			}
			closes(t, pd.closed, rampFreeTo-1)
		})
	}
}
