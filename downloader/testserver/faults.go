package testserver

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// bodyPlan is what one GET body will do, decided when it starts.
type bodyPlan struct {
	path     string
	src      Source
	off, n   int64 // content bytes [off, off+n) are announced
	slowRate int64 // > 0: this body is the slow one, at this fixed rate
	stallAt  int64 // < 0: no stall
	stallFor time.Duration
	cutAt    int64 // < 0: no cut; else close the connection after cutAt bytes
	abortive bool
	lie      int64 // extra bytes beyond n
}

// planBody draws the per-response faults; counters (Nth slow, Every reset,
// the reset dice) advance here so that each body is decided exactly once.
// canLie is false for chunked bodies, which have no length to exceed.
func (s *Server) planBody(path string, fs *fileState, off, n int64, ranged, canLie bool) bodyPlan {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.set
	p := bodyPlan{path: path, src: Source(fs.Seed), off: off, n: n, stallAt: Off, cutAt: Off}
	if canLie {
		p.lie = st.lie
	}

	if ranged && st.slow.Rate > 0 {
		st.slowCount++
		if (st.slow.Nth > 0 && st.slowCount == st.slow.Nth) ||
			(st.slow.MinStart > 0 && off >= st.slow.MinStart) {
			p.slowRate = st.slow.Rate
		}
	}
	if st.stallFor > 0 && st.stallAfter >= 0 && st.stallAfter < n {
		p.stallAt, p.stallFor = st.stallAfter, st.stallFor
	}
	if r := st.reset; r.After >= 0 {
		st.resetCount++
		hit := r.Every <= 1 || st.resetCount%r.Every == 0
		if hit && r.Prob > 0 {
			hit = st.resetRand.Float64() < r.Prob
		}
		if hit && r.After < n+p.lie {
			p.cutAt, p.abortive = r.After, r.Abortive
		}
	}
	if t := st.truncate; t >= 0 && t < n && (p.cutAt < 0 || t < p.cutAt) {
		p.cutAt, p.abortive = t, false
	}
	return p
}

// rateFor is the pace of a running body: the slow rate if it was picked as
// slow, otherwise the live per-connection rate.
func (s *Server) rateFor(p *bodyPlan) int64 {
	if p.slowRate > 0 {
		return p.slowRate
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.set.rate
}

// account records sent body bytes and fires a due WithChangeAfter.
func (s *Server) account(path string, c int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.set
	s.stats.BytesServed += c
	st.served[path] += c
	if ch, ok := st.changes[path]; ok && st.served[path] >= ch.after {
		delete(st.changes, path)
		st.putFile(path, ch.next)
	}
}

const bufSize = 256 << 10

// Large buffers, reused: generating into them is the whole cost of a body.
var bufPool = sync.Pool{New: func() any { b := make([]byte, bufSize); return &b }}

// sendBody writes the planned body (up to cutAt, or n+lie bytes) to out,
// pacing and stalling as planned. It returns the bytes written and an error
// if the client went away or the server closed.
func (s *Server) sendBody(ctx context.Context, out io.Writer, flush func() error, p bodyPlan) (int64, error) {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp

	end := p.n + p.lie
	if p.cutAt >= 0 && p.cutAt < end {
		end = p.cutAt
	}
	var (
		sent     int64
		rate     int64 = -1
		t0       time.Time
		baseSent int64
	)
	for {
		if sent == p.stallAt {
			flush()
			if !s.sleep(ctx, p.stallFor) {
				return sent, context.Canceled
			}
			rate = -1 // restart pacing after the pause
		}
		if sent >= end {
			return sent, flush()
		}
		if r := s.rateFor(&p); r != rate {
			rate, t0, baseSent = r, time.Now(), sent
		}
		c := end - sent
		if p.stallAt > sent && p.stallAt-sent < c {
			c = p.stallAt - sent
		}
		limit := int64(len(buf))
		if rate > 0 {
			// About 30 writes a second: smooth pacing without a syscall
			// storm at low rates.
			limit = min(max(rate/32, 512), limit)
		}
		c = min(c, limit)
		p.src.ReadAt(buf[:c], p.off+sent)
		if _, err := out.Write(buf[:c]); err != nil {
			return sent, err
		}
		sent += c
		s.account(p.path, c)
		if rate > 0 {
			if err := flush(); err != nil {
				return sent, err
			}
			due := t0.Add(time.Duration(float64(sent-baseSent) / float64(rate) * float64(time.Second)))
			if !s.sleep(ctx, time.Until(due)) {
				return sent, context.Canceled
			}
		}
	}
}

// sleep waits d unless the client leaves or the server closes first; it
// reports whether the full d elapsed.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// dropConn ends a response mid-body by closing its connection, so the
// client sees a short body (or a reset when abortive) rather than a clean
// end.
func dropConn(rc *http.ResponseController, abortive bool) {
	// Flush first: Hijack drops what net/http still buffers.
	rc.Flush()
	conn, _, err := rc.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // also closes the connection
	}
	if abortive {
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
	}
	conn.Close()
}

// sendLie writes the response by hand on the hijacked connection, because
// net/http will not send more body than its Content-Length.
func (s *Server) sendLie(w http.ResponseWriter, r *http.Request, status int, p bodyPlan) {
	conn, brw, done, ok := s.hijack(w)
	if !ok {
		return
	}
	defer done()

	bw := brw.Writer
	h := w.Header().Clone()
	h.Set("Connection", "close")
	h.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	h.Write(bw)
	bw.WriteString("\r\n")
	_, err := s.sendBody(r.Context(), bw, bw.Flush, p)
	if err == nil && p.cutAt >= 0 {
		s.mu.Lock()
		s.stats.Cuts++
		s.mu.Unlock()
		if p.abortive {
			if tc, ok := conn.(*net.TCPConn); ok {
				tc.SetLinger(0)
			}
		}
	}
}

// hijack takes over the connection for a hand-written answer, so Close
// can end it; done releases and closes it. ok is false when the server
// is closing or cannot hijack (an error answer was sent then).
func (s *Server) hijack(w http.ResponseWriter) (conn net.Conn, brw *bufio.ReadWriter, done func(), ok bool) {
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, "cannot hijack", http.StatusInternalServerError)
		return nil, nil, nil, false
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		conn.Close()
		return nil, nil, nil, false
	}
	s.hijacked[conn] = struct{}{}
	s.mu.Unlock()
	return conn, brw, func() {
		s.mu.Lock()
		delete(s.hijacked, conn)
		s.mu.Unlock()
		conn.Close()
	}, true
}
