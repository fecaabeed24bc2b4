package downloader

import (
	"context"
	"net"
	"net/http/httptrace"
	"sync"
	"time"
)

// Dialing ahead. On a far path (pathDelay.far) the ramp jumps to sixteen
// connections at the first answer's first bytes (ramp.go), and each of
// them spends a TCP handshake, a round trip, before it can even ask. The
// first request's own handshake already shows the path is far, a round
// trip before its answer comes: the connections the jump will want are
// dialed then, in parallel with that round trip, and the jump's requests
// go out on connections that are ready. What is not taken soon is
// closed: a small file, a server without ranges or a near path after all
// cost the server a few idle connections for a moment, never a request.

// dialAheadKeep is how long connections dialed ahead wait to be taken.
const dialAheadKeep = 2 * time.Second

// dialer makes TCP connections (net.Dialer.DialContext's shape).
type dialer func(ctx context.Context, network, addr string) (net.Conn, error)

// aheadDialer is the transport's dialer with a stock of connections
// dialed ahead of need, per network address: a dial takes one from the
// stock when there is one, else dials.
type aheadDialer struct {
	dial  dialer
	mu    sync.Mutex
	stock map[string][]aheadConn
}

// aheadConn is a stocked connection and the context that dialed it,
// whose end closes it if it is still in the stock.
type aheadConn struct {
	conn  net.Conn
	owner context.Context
}

// stockKey names the stock of one network address.
func stockKey(network, addr string) string { return network + " " + addr }

func newAheadDialer(dial dialer) *aheadDialer {
	return &aheadDialer{dial: dial, stock: map[string][]aheadConn{}}
}

// DialContext hands out a connection dialed ahead to addr, the newest
// first, else dials one.
func (a *aheadDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	key := stockKey(network, addr)
	a.mu.Lock()
	if s := a.stock[key]; len(s) > 0 {
		c := s[len(s)-1]
		a.stock[key] = s[:len(s)-1]
		a.mu.Unlock()
		return c.conn, nil
	}
	a.mu.Unlock()
	return a.dial(ctx, network, addr)
}

// ahead dials n connections to addr in the background and stocks them
// until ctx ends; then those not taken are closed. Each dial's goroutine
// ends with its dial, which ctx bounds; the channel returned is closed
// once all n dials ended.
func (a *aheadDialer) ahead(ctx context.Context, network, addr string, n int) <-chan struct{} {
	key := stockKey(network, addr)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			c, err := a.dial(ctx, network, addr)
			if err != nil {
				return
			}
			a.mu.Lock()
			defer a.mu.Unlock()
			if ctx.Err() != nil {
				c.Close()
				return
			}
			a.stock[key] = append(a.stock[key], aheadConn{conn: c, owner: ctx})
		})
	}
	context.AfterFunc(ctx, func() { a.drop(key, ctx) })
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	return done
}

// drop closes the connections owner dialed to key that were not taken.
func (a *aheadDialer) drop(key string, owner context.Context) {
	a.mu.Lock()
	var gone []net.Conn
	kept := a.stock[key][:0]
	for _, c := range a.stock[key] {
		if c.owner == owner {
			gone = append(gone, c.conn)
		} else {
			kept = append(kept, c)
		}
	}
	if len(kept) == 0 {
		delete(a.stock, key)
	} else {
		a.stock[key] = kept
	}
	a.mu.Unlock()
	for _, c := range gone {
		c.Close()
	}
}

// stocked is how many connections to addr wait in the stock.
func (a *aheadDialer) stocked(network, addr string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.stock[stockKey(network, addr)])
}

// withDialAhead returns ctx carrying a trace that, when the request dials
// a connection whose TCP handshake takes farDial or longer, dials ahead
// the connections the run's jump would start (aheadCountLocked) to the
// same address, and a function that reports the address the request's
// last connection was taken for (the transport's "host:port", or its
// proxy's), which keepAhead compares once the answer is final.
func (r *run) withDialAhead(ctx context.Context) (context.Context, func() string) {
	a := r.t.m.ahead
	if a == nil {
		return ctx, func() string { return "" }
	}
	var mu sync.Mutex
	var hostPort string
	var began time.Time
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			GetConn: func(hp string) {
				mu.Lock()
				hostPort = hp
				mu.Unlock()
			},
			ConnectStart: func(string, string) {
				mu.Lock()
				began = time.Now()
				mu.Unlock()
			},
			ConnectDone: func(_, _ string, err error) {
				mu.Lock()
				hp, far := hostPort, !began.IsZero() && time.Since(began) >= farDial
				mu.Unlock()
				if err == nil && far && hp != "" {
					r.dialAhead(a, hp)
				}
			},
		}), func() string {
			mu.Lock()
			defer mu.Unlock()
			return hostPort
		}
}

// dialAhead starts dialing ahead to hostPort unless the run does so
// already; dialing ahead to another address (a redirect's earlier hop)
// stops, and what it stocked is closed. The stock is kept dialAheadKeep
// (keepAhead restarts that from the answer). The channel returned is
// closed when the dials it started ended (nil: none started).
func (r *run) dialAhead(a *aheadDialer, hostPort string) <-chan struct{} {
	t := r.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if r.aheadAddr == hostPort {
		return nil
	}
	r.stopAheadLocked()
	r.aheadAddr = hostPort
	n := r.aheadCountLocked(hostPort)
	if n <= 0 {
		return nil
	}
	ctx, stop := context.WithCancel(r.ctx)
	r.aheadStop, r.aheadKeep = stop, time.AfterFunc(dialAheadKeep, stop)
	// The dials start on goroutines of their own: nothing waits on t.mu.
	return a.ahead(ctx, "tcp", hostPort, n)
}

// stopAheadLocked closes what the run stocked and not handed out.
func (r *run) stopAheadLocked() {
	if r.aheadStop != nil {
		r.aheadKeep.Stop()
		r.aheadStop()
		r.aheadStop, r.aheadKeep = nil, nil
	}
}

// keepAhead settles the stock once the probe's answer p is final, over a
// connection to hostPort: kept for dialAheadKeep more when it went there
// and the jump may want it (a resumable file larger than the first
// request), else closed now.
func (r *run) keepAhead(p *probed, hostPort string) {
	r.t.mu.Lock()
	defer r.t.mu.Unlock()
	if r.aheadStop == nil {
		return
	}
	if r.aheadAddr != hostPort || !p.resumable || p.playlist || p.size <= probeSpan {
		r.stopAheadLocked()
		return
	}
	r.aheadKeep.Reset(dialAheadKeep)
}

// aheadCountLocked is how many connections to dial ahead to hostPort:
// those the jump to the count slow connections reach unmeasured
// (freeToLocked) adds to the first, within the host's free slots
// (hostSlots knows a host by its URL's host, with or without the port;
// other tasks' connections count). Only a new task's probe dials ahead,
// before the file's size and ranges are known, so the count is the
// task's setting's.
func (r *run) aheadCountLocked(hostPort string) int {
	n, auto := r.t.settingCeilingLocked()
	if auto {
		n = min(n, rampFreeTo)
	}
	n = min(n, r.t.m.hosts.room(hostPort))
	if host, _, err := net.SplitHostPort(hostPort); err == nil {
		n = min(n, r.t.m.hosts.room(host))
	}
	return n - 1
}
