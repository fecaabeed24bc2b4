package downloader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptrace"
	"time"

	"golang.org/x/time/rate"
)

// StallTimeout is how long a connection may deliver nothing before it is
// closed and reopened. A variable so tests can shorten it.
var StallTimeout = 30 * time.Second

// writebackEvery is how much the run writes before it asks the kernel to
// start putting the file's dirty bytes on disk. Counted per connection
// and range, pieces under it (most of a download's last seconds) were
// never kicked, and the sync before the rename waited for them: 27 ms
// at the end of a 6 s download.
const writebackEvery = 8 << 20

// worker is one connection: it fetches its piece, then claims more work
// until none is left or the run ends. body, when set, is an already open
// stream positioned at the piece's start (the probe's).
func (r *run) worker(p *piece, body io.ReadCloser) {
	t := r.t
	// left: the worker already uncounted itself, under the lock of the
	// claim that found no work (leaveLocked).
	left := false
	var mark refusalMark // this connection's part in the refusal counts
	defer func() {
		t.mu.Lock()
		if p != nil {
			p.conn = nil
		}
		if !left {
			r.leaveLocked(nil, &mark, false)
		}
		t.mu.Unlock()
		t.m.hosts.release(r.host)
		r.wg.Done()
		r.notify()
	}()
	rb := newReadBuf()
	defer rb.release()
	// live: this connection counts as delivering (t.conns) across the
	// round trip between its bounded requests, so the ramp does not take
	// that gap for a connection that stopped.
	live := false
	defer func() {
		if live {
			t.mu.Lock()
			t.conns--
			t.mu.Unlock()
		}
	}()
	attempt := 0
	delivered := false // this connection delivered a byte in this run
	for {
		t.mu.Lock()
		from := p.pos()
		buf := rb.bytes(p.conn)
		r.markLocked(&mark, mark.refused, true)
		t.mu.Unlock()
		err := r.fetch(p, body, buf, &live)
		if live && !errors.Is(err, errRequestEnd) && !errors.Is(err, errShortAnswer) {
			t.mu.Lock()
			t.conns--
			t.mu.Unlock()
			live = false
		}
		body = nil
		t.mu.Lock()
		progressed := p.pos() > from
		r.markLocked(&mark, mark.refused && !progressed, false)
		t.mu.Unlock()
		if progressed {
			delivered = true
			// A connection that delivered before it broke is not a server
			// in trouble: retry it soon, or links that drop every few
			// hundred KB would back off to the cap and crawl.
			attempt = 0
		}
		if err == nil {
			attempt = 0
			t.mu.Lock()
			prev := p.conn
			p.conn = nil
			p = r.claimLocked(prev)
			left = r.leaveLocked(p, &mark, progressed && prev.warm)
			t.mu.Unlock()
			if p == nil {
				return
			}
			continue
		}
		if r.ctx.Err() != nil || errors.Is(err, errSurplus) {
			return
		}
		if errors.Is(err, errStraggler) {
			// Ask again at once, measured afresh, on the same slot.
			t.mu.Lock()
			p.conn = newConn()
			t.mu.Unlock()
			continue
		}
		if errors.Is(err, errShortAnswer) || errors.Is(err, errStaleSource) || errors.Is(err, errRequestEnd) {
			continue // ask again at once, same slot
		}
		if errors.Is(err, errRangeIgnored) || errors.Is(err, errProtocol) {
			switch r.degrade(p, err) {
			case refusalLeave:
				return
			case refusalFail:
				r.fail(err)
				return
			}
			continue
		}
		if refusal(err) || expiredLink(err) {
			r.markRefused(&mark, true)
			var act refusalAction
			switch act, err = r.onRefusal(err, !delivered, p.conn); act {
			case refusalLeave:
				return
			case refusalAgain:
				continue
			case refusalFail:
				r.fail(err)
				return
			}
		} else if c := classify(err); c == classChanged || c == classDisk || c == classFatal {
			r.fail(err)
			return
		}
		// Let another connection take the range while this one waits.
		t.mu.Lock()
		prev := p.conn
		p.conn = nil
		t.mu.Unlock()
		if !r.backoff(err, attempt) {
			if r.ctx.Err() == nil {
				r.fail(err)
			}
			// The range was let go above and another connection may
			// have taken it: the exit must not clear its tracker.
			p = nil
			return
		}
		attempt++
		t.mu.Lock()
		if p.conn != nil || p.complete() {
			p = r.claimLocked(prev)
			left = r.leaveLocked(p, &mark, false)
		} else {
			p.conn = newConn()
		}
		t.mu.Unlock()
		if p == nil {
			return
		}
	}
}

// leaveLocked uncounts a worker whose claim found no work (p == nil) in
// the same hold of t.mu, so no other claim sees it still counted: after
// the ramp stepped back, the count would look above the allowance for a
// moment, one more connection than the step asked for would leave, and
// grow() would open a cold one to refill it. Its refusal mark goes in
// the same hold (markLocked). served: its latest request delivered to
// its end and kept its connection, and the server may still count it
// for a moment (droppedLocked; fetch notes one closed before its end).
// It reports whether it left; a worker that ends otherwise leaves
// through it too.
func (r *run) leaveLocked(p *piece, mark *refusalMark, served bool) bool {
	if p != nil {
		return false
	}
	r.workers--
	r.markLocked(mark, false, false)
	if served {
		r.droppedLocked()
	}
	return true
}

// fetch streams the piece's missing bytes into the part file.
func (r *run) fetch(p *piece, body io.ReadCloser, buf []byte, live *bool) error {
	t := r.t
	ctx, cancel := context.WithCancelCause(r.ctx)
	defer cancel(nil)
	// abort ends this request with a cause: the stall watchdog's, or the
	// straggler check's through c.abort. A stream handed in (the probe's)
	// was opened under another context, so it is aborted through its own.
	pre, _ := body.(*cancelBody)
	abort := func(cause error) {
		cancel(cause)
		if pre != nil {
			pre.abort(cause)
		}
	}
	// The watchdog fires when nothing arrives for StallTimeout, before or
	// after the headers.
	watchdog := time.AfterFunc(StallTimeout, func() { abort(ErrNoProgress) })
	defer watchdog.Stop()

	t.mu.Lock()
	start, end := p.pos(), p.End
	rawURL, spec, release := r.pickSourceLocked()
	defer release()
	onLink := rawURL == r.url
	c := p.conn
	c.urlGen, c.askedAt = r.urlGen, time.Now()
	c.abort = abort
	// A stream handed in runs to the range's end; a new request is
	// bounded (reqspan.go) so later splits need not cut it.
	reqEnd := end
	switch {
	case body == nil && !r.degraded:
		now := time.Now()
		horizon, share := r.paceLocked(now, c)
		// Shared while the ramp may add connections: the next one then
		// splits where this request ends instead of cutting it. Once the
		// count settled, halving each request toward the range's end only
		// adds round trips without data, on the fastest stream most.
		reqEnd = requestEnd(start, end, spanInputs{
			Rate: c.spanRate(now), Prev: c.span, Shared: !r.ramp.done,
			Horizon: horizon, Share: share, Delay: r.delay.current().Seconds(),
		})
		if reqEnd > start {
			c.span = reqEnd - start
		}
	case body != nil && p.reqEnd > start && (end < 0 || p.reqEnd < end):
		reqEnd = p.reqEnd // the probe's ranged answer
	}
	p.reqEnd = reqEnd
	t.mu.Unlock()
	if end >= 0 && start >= end {
		if body != nil {
			body.Close()
			t.mu.Lock()
			r.droppedLocked() // as a request closed before its end, below
			t.mu.Unlock()
		}
		return nil
	}
	// sock is the request's TCP connection, for its receive low-water
	// mark (lowat.go); a stream handed in gets none. No mark outlives
	// the request: lowatFor drops it before the body's last bytes, the
	// drain below drops it, and a body left unread closes its
	// connection.
	var sock lowatSocket
	// bodyEnd is where the answer's body ends (file offset; -1 = not
	// known): the mark follows what the body owes, which is less than the
	// request asked when a server answers a shorter range.
	bodyEnd := int64(-1)
	if body == nil {
		spec.start, spec.end = start, reqEnd
		// The transport calls GotConn on this goroutine, before the
		// request is written.
		rctx := httptrace.WithClientTrace(withDelaySample(ctx, r.sampleDelay, r.sampleDial), &httptrace.ClientTrace{
			GotConn: func(info httptrace.GotConnInfo) {
				sock.raw, _ = socketOf(info.Conn)
				if !info.Reused {
					// A new TCP connection's send buffer starts small
					// (cutCost), whatever this tracker's last one had.
					t.mu.Lock()
					c.forgetPeak()
					t.mu.Unlock()
				}
			},
		})
		resp, err := openRange(rctx, r.client, rawURL, r.hdr, r.ua, spec)
		if err != nil {
			if r.sourceFailed(rawURL, causeOf(ctx, err)) {
				return errStaleSource // a mirror dropped, or one took the link's place
			}
			t.mu.Lock()
			stale := c.urlGen != r.urlGen
			t.mu.Unlock()
			if stale && (refusal(err) || expiredLink(err)) {
				// Refused by the link the run has just left: ask the
				// new one, without counting it against anything.
				return errStaleSource
			}
			return causeOf(ctx, fmt.Errorf("range %s: %w", formatRange(start, end), err))
		}
		body = resp.Body
		if sock.raw != nil {
			t.mu.Lock()
			c.sock = sock.raw
			t.mu.Unlock()
		}
		if resp.ContentLength >= 0 {
			bodyEnd = resp.ContentLength // a plain answer starts at 0
			if !spec.plain {
				bodyEnd += start
			}
		}
		if spec.plain && start > 0 {
			if err := skipTo(body, start, buf, func() { watchdog.Reset(StallTimeout) }); err != nil {
				body.Close()
				return causeOf(ctx, err)
			}
		}
	}
	defer body.Close()
	// kept: the request ended with its body read to the end, so the
	// transport keeps the TCP connection for the next one.
	kept := false
	// flowing: this request's body began on the run's link and counts in
	// r.flowing under flowGen until the request ends (flowBeginLocked).
	flowing, flowGen := false, c.urlGen
	defer func() {
		t.mu.Lock()
		c.warm, c.sock = kept, nil
		if flowing {
			r.flowEndLocked(flowGen)
		}
		if !kept {
			// Answered but closed before its end: the server writes on
			// until it notices.
			r.droppedLocked()
		}
		t.mu.Unlock()
	}()

	counted := *live
	// began is when this request's body began arriving, for its rate.
	began := time.Now()
	// at is the body's offset: what was read from it, also bytes a split
	// moved to another connection while they were read.
	at := start
	limiters := [...]*rate.Limiter{t.limiter, t.m.global}
	for {
		n := min(len(buf), chunkFor(limiters[:]...))
		t.mu.Lock()
		pos, end := p.pos(), p.End
		t.mu.Unlock()
		if pos != at && (end < 0 || pos < end) {
			// The range grew back (joinPreviousLocked) after a read was
			// trimmed at its old end: the stream's next bytes belong past
			// pos, so writing them at pos would corrupt the file.
			return fmt.Errorf("range %s: it grew after its stream ran past it: %w", formatRange(pos, end), errShortAnswer)
		}
		if end >= 0 {
			if pos >= end {
				// A split moved the end below the request's: take in the
				// little that is left of it rather than lose the TCP
				// connection and its window (reqspan.go). The drain's
				// reads run to the body's end: no mark.
				sock.set(1)
				kept = r.drainRequest(body, buf, reqEnd-at)
				return nil
			}
			if reqEnd >= 0 && pos >= reqEnd {
				err := r.endRequest(body, buf)
				kept = errors.Is(err, errRequestEnd)
				return err
			}
			n = int(min(int64(n), end-pos, max(0, reqEnd-pos)))
		}
		watchdog.Reset(StallTimeout)
		// The first read returns as soon as anything arrives, so slow start
		// moves at the pace of first bytes; later ones gather half the
		// buffer, leaving the rest for what the last read brings beyond
		// it. On 32 slow connections that halves the writes (pwrite was a
		// quarter of the lossy path's CPU samples).
		least := n / 2
		if !counted {
			least = 1
		}
		sock.forRead(bodyEnd, start, at, began, least, n)
		k, rerr := readAtLeast(body, buf[:n], max(1, least))
		at += int64(k)
		if k > 0 {
			if !flowing && onLink {
				onLink = false // one try per request
				t.mu.Lock()
				flowing = r.flowBeginLocked(flowGen)
				t.mu.Unlock()
			}
			if !counted {
				counted, *live = true, true
				now := time.Now()
				t.mu.Lock()
				t.conns++
				if c.first.IsZero() {
					// The connection's clock runs across its bounded
					// requests, so the gaps between them count in its rate.
					c.first = now
				}
				r.serverFail = 0
				t.mu.Unlock()
				// Bytes flow again: leave "retrying" or "waiting for network".
				t.setPhase(PhaseDownloading, "")
				r.notify()
			}
			if err := pay(ctx, k, limiters[:]...); err != nil {
				return causeOf(ctx, err)
			}
			if err := r.write(p, buf[:k], pos); err != nil {
				return err
			}
		}
		switch {
		case rerr == nil:
			continue
		case errors.Is(rerr, io.EOF) && end >= 0 && reqEnd < end && at == reqEnd:
			// A bounded request delivered all it asked for. net/http
			// returns io.EOF with a body's last bytes, so this, not the
			// pos >= reqEnd check above, is how such a request usually
			// ends; the transport has kept the TCP connection.
			kept = true
			return errRequestEnd
		case errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF):
			if end < 0 && errors.Is(rerr, io.ErrUnexpectedEOF) {
				// A chunked body cut short (no final chunk) or a read that
				// broke: with no length to check, taking it as the end
				// would complete a truncated file.
				return fmt.Errorf("range %s: stream broke off: %w", formatRange(pos, end), rerr)
			}
			if end < 0 {
				// Unknown length: the clean end of the stream is the end
				// of the file.
				t.mu.Lock()
				p.End = p.pos()
				t.mu.Unlock()
				return nil
			}
			t.mu.Lock()
			now := p.pos()
			short := now < p.End
			t.mu.Unlock()
			switch {
			case !short:
				kept = true
				return nil
			case errors.Is(rerr, io.ErrUnexpectedEOF):
				return fmt.Errorf("range %s: body ended early: %w", formatRange(pos, end), rerr)
			case now > start:
				// Ended cleanly at its own length after some bytes: an
				// honest answer that covered less than asked.
				return fmt.Errorf("range %s: %w", formatRange(now, end), errShortAnswer)
			}
			return protocolf("the answer to range %s ended before its first byte", formatRange(pos, end))
		default:
			return causeOf(ctx, fmt.Errorf("range %s: %w", formatRange(pos, end), rerr))
		}
	}
}

// write puts b at off, trimmed to the piece's current end (a split may
// have moved it), and counts it only after WriteAt returned.
func (r *run) write(p *piece, b []byte, off int64) error {
	t := r.t
	t.mu.Lock()
	if p.End >= 0 && off+int64(len(b)) > p.End {
		b = b[:max(0, p.End-off)]
	}
	t.mu.Unlock()
	if len(b) == 0 {
		return nil
	}
	if _, err := r.file.WriteAt(b, off); err != nil {
		return diskError("write part file", err)
	}
	t.mu.Lock()
	// A split may have moved the end while we wrote: count only our part.
	// The bytes past it are the same file bytes the new owner writes.
	n := int64(len(b))
	if p.End >= 0 {
		n = min(n, max(0, p.End-off))
	}
	p.Done += n
	c := p.conn
	c.bytes += int64(len(b))
	r.lastByte = time.Now()
	c.notePace(r.lastByte)
	t.mu.Unlock()
	r.kickWriteback(int64(len(b)))
	t.received.Add(int64(len(b)))
	return nil
}

// kickWriteback counts n bytes written and, every writebackEvery, asks
// the kernel to start writing the whole file's dirty pages out without
// waiting (pages already under writeback are skipped), so a checkpoint's
// sync finds little left to do. The writer whose bytes cross a multiple
// of the mark does it: exactly one for each.
func (r *run) kickWriteback(n int64) {
	if after := r.written.Add(n); (after-n)/writebackEvery == after/writebackEvery {
		return
	}
	if w, ok := r.file.(writebackStarter); ok {
		w.StartWriteback(0, 0)
	}
}

// readAtLeast is io.ReadAtLeast without its one translation: a clean
// io.EOF after a short read stays io.EOF, so a chunked body that ended
// properly is told apart from one cut short (io.ErrUnexpectedEOF). The
// bytes read come back with the error; the caller writes them first.
func readAtLeast(r io.Reader, buf []byte, least int) (n int, err error) {
	for n < least && err == nil {
		var k int
		k, err = r.Read(buf[n:])
		n += k
	}
	return n, err
}

// causeOf prefers the reason a context was canceled (a stall, a pause)
// over the generic error the transport reported.
func causeOf(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); cause != nil {
		if errors.Is(cause, ErrNoProgress) {
			return fmt.Errorf("%w: %w", ErrNoProgress, err)
		}
		return cause
	}
	return err
}
