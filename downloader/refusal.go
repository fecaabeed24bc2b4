package downloader

import (
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"
)

// errConnLimit marks a refusal (403, 429, 503, …) while other connections
// of the task are served: the server limits connections per client. It is
// retried like a server error, never a verdict on the task.
var errConnLimit = errors.New("the server allows fewer connections")

// errStaleSource: a refusal from the URL the run switched away from
// while the request was out.
var errStaleSource = errors.New("refused by the link the run has left")

// linkExpiryWindow is how long after the last byte a refusal still counts
// as "others were just served": servers keep counting a connection for a
// moment after it closed.
const linkExpiryWindow = 2 * time.Second

// dropLinger is how long before a refused request was asked a request
// the run let go may still have been counted by the server: the test
// server counts a finished request until its last write's pacing runs
// out (1/32 s), and a connection started a few milliseconds after one
// left was refused meanwhile. About the shortest wait before a refused
// connection asks again (serverBackoff), so that ask is mostly judged on
// what works then.
const dropLinger = 250 * time.Millisecond

// refusalAction is what a connection does after a refusal.
type refusalAction int

const (
	refusalRetry refusalAction = iota // back off and ask again
	refusalLeave                      // the task has enough connections: this one bows out
	refusalAgain                      // ask again at once: the run asks elsewhere now
	refusalFail                       // end the run with the error returned
)

// onRefusal applies one rule to a refused request (err is a refusal or
// an expired-link status). While another connection of the task is
// served, or just was, the server limits connections: the count goes
// down and the request is retried. When nobody is served and bytes had
// flowed, every connection is now refused: the link expired. A redirect
// target is first given up for the original link once. A refusal
// before any byte keeps its ordinary meaning. fresh: the refused
// connection has not delivered a byte in this run (refused); c is its
// tracker, with r.urlGen (gen below) and the time when the request was
// asked. A refusal of a link the run has
// left since is asked again at once and counts against nothing: with
// four connections refused by an expired link together, the first
// fell back to the original link and the other three, handled after
// it, were taken for a connection limit.
func (r *run) onRefusal(err error, fresh bool, c *conn) (refusalAction, error) {
	t := r.t
	gen := c.urlGen
	t.mu.Lock()
	stale := gen != r.urlGen
	// Others are served when bytes flow now or did a moment ago, or
	// when some connection's request is still out (not refused yet).
	served := t.conns > 0 || r.refusedNow < r.workers ||
		!r.lastByte.IsZero() && time.Since(r.lastByte) < linkExpiryWindow
	flowed := !r.lastByte.IsZero() || doneBytes(t.rec.Segments) > 0
	t.mu.Unlock()
	switch {
	case stale:
		return refusalAgain, nil
	case expiredLink(err) && r.fallBack(gen):
		// A redirect target (a signed CDN link) is tried once more
		// through the original link first: cheap, and a connection
		// limit refuses there too.
		return refusalAgain, nil
	case served:
		if r.refused(fresh, c) {
			return refusalLeave, nil
		}
		return refusalRetry, fmt.Errorf("%w: %w", errConnLimit, err)
	case expiredLink(err) && (flowed || signedLinkExpired(r.currentURL(), t.m.clock.Now())):
		return refusalFail, fmt.Errorf("%w: %w", ErrLinkExpired, err)
	case classify(err) == classServer:
		return refusalRetry, err
	}
	return refusalFail, err
}

// currentURL is where the run asks now.
func (r *run) currentURL() string {
	r.t.mu.Lock()
	defer r.t.mu.Unlock()
	return r.url
}

// refusalMark is one connection's part in r.refusedNow and r.reasking.
type refusalMark struct {
	refused bool // its latest answer was a refusal
	asking  bool // refused, and its next request is out: it may be served
}

// markLocked sets the connection's part: refused as its latest answer
// says, asking while a request after a refusal is out. The caller holds
// t.mu; a connection that leaves clears its part in the same hold that
// uncounts it (r.workers), or refused would count one connection fewer
// than is there, or one more, for a moment.
func (r *run) markLocked(m *refusalMark, refused, asking bool) {
	asking = asking && refused
	if m.refused != refused {
		r.refusedNow += boolDelta(refused)
	}
	if m.asking != asking {
		r.reasking += boolDelta(asking)
	}
	m.refused, m.asking = refused, asking
}

// markRefused is markLocked for a connection's latest answer.
func (r *run) markRefused(m *refusalMark, refused bool) {
	r.t.mu.Lock()
	r.markLocked(m, refused, false)
	r.t.mu.Unlock()
}

// boolDelta is +1 for true and -1 for false.
func boolDelta(b bool) int {
	if b {
		return 1
	}
	return -1
}

// refusedAddr is "host:port" when err is a refused TCP connection, else "".
func refusedAddr(err error) string {
	var op *net.OpError
	if !errors.Is(err, syscall.ECONNREFUSED) || !errors.As(err, &op) || op.Addr == nil {
		return ""
	}
	return op.Addr.String()
}

// hostRefused shows a refused TCP connection as what it is, and logs it
// once per run.
func (r *run) hostRefused(err error) {
	t := r.t
	t.mu.Lock()
	first := !r.refusedLogged
	r.refusedLogged = true
	if first {
		t.logLocked(Sentence(err))
	}
	t.mu.Unlock()
	t.setPhaseIdle(PhaseRetrying, Sentence(err), KindRefused)
}

// noteLimitLocked logs the count a server's refusals settled on, once no
// connection's latest answer is a refusal any more: sixteen requests sent
// at once meet up to fifteen refusals, each lowering the count by one,
// and the log should say where it ended, not every step. Called on the
// control loop's tick and when the run ends.
func (r *run) noteLimitLocked() {
	if !r.learned || r.limit == r.limitLogged || r.refusedNow > 0 {
		return
	}
	r.limitLogged = r.limit
	r.t.logLocked(fmt.Sprintf("The server refused more connections; using %d.", r.limit))
}

// refused handles a server turning away an extra connection while others
// work: the task (and the host) settle at the count that works, and this
// connection bows out. fresh and c as for onRefusal. It reports false
// when the refusal is to be retried: this is the only connection, the
// run has left the refused link meanwhile, or the refusal lowers
// nothing and this connection is within the count (a hiccup).
//
// The count errs high rather than low: too high costs a refused request
// that lowers it, too low a connection for the rest of the run. A server
// counts a connection for a moment after the run let it go (the test
// server until its last write's pacing ran out): a connection that
// finished a small range and left while sixteen requests were out made
// a server that allows four settle at three.
func (r *run) refused(fresh bool, c *conn) bool {
	t := r.t
	t.mu.Lock()
	if c.urlGen != r.urlGen {
		t.mu.Unlock()
		return false
	}
	// The connections not refused: those transferring, and those whose
	// answers are still out, one asking again after a refusal included.
	// Sixteen requests go out at once (jumpLocked), and the first
	// refusal may come before the accepted ones' bodies begin: counting
	// only those transferring settled a server that allows four at one
	// to three, and the download ran a fifth slower. Each later refusal
	// of a newcomer lowers the count further, to what was served.
	open := r.workers - r.refusedNow + r.reasking
	working := t.conns
	if fresh {
		working = max(working, open)
	} else if open > t.conns {
		// A connection that was served before is refused for other
		// reasons too (an expired link refuses everyone), so for it the
		// count that works is the connections transferring; while others'
		// answers are out that count is not known yet (one of them may
		// have taken this connection's place). Their answers tell: a
		// refused newcomer lowers the count itself.
		t.mu.Unlock()
		return false
	} else if r.learned && r.workers <= r.limit && r.flowPeakLocked() >= r.limit {
		// Once the count is known and was seen served at once, a refusal
		// of a connection that delivered is the server's hiccup (a
		// finished request it still counts, say): retry, do not keep
		// lowering the count. A count never served at once (it included
		// an answer still out, which was then refused) is lowered.
		t.mu.Unlock()
		return false
	}
	if working < 1 {
		t.mu.Unlock()
		return false
	}
	// Requests the run let go a moment before this one was asked, or
	// since: the server may still have counted them when it refused.
	count := working + r.dropsSinceLocked(c.askedAt.Add(-dropLinger))
	if count >= r.limit {
		// The refusal lowers nothing. Within the count it is the server's
		// hiccup: ask again after its wait (leaving, the connection would
		// be replaced at once and refused again while the server still
		// counts the old one). Above the count, this connection bows out.
		leave := r.workers > r.limit
		t.mu.Unlock()
		if leave {
			t.m.hosts.learn(r.host, count)
		}
		return leave
	}
	// Logged once the refusals of a burst are over (noteLimitLocked):
	// each one lowers the count by one.
	r.limit = count
	r.learned = true
	t.mu.Unlock()
	t.m.hosts.learn(r.host, count)
	return true
}

// droppedLocked notes that the run let go of a request the server may
// still count: one answered and closed before its end, or the last one of
// a connection that left. Notes older than any answer's wait go.
func (r *run) droppedLocked() {
	now := time.Now()
	old := 0
	for old < len(r.drops) && now.Sub(r.drops[old]) > StallTimeout+dropLinger {
		old++
	}
	r.drops = append(r.drops[old:], now)
}

// dropsSinceLocked is how many requests the run let go after since.
func (r *run) dropsSinceLocked(since time.Time) int {
	n := 0
	for i := len(r.drops) - 1; i >= 0 && r.drops[i].After(since); i-- {
		n++
	}
	return n
}

// flowBeginLocked counts a body that began on the run's link (not a
// mirror) of generation gen and reports whether it counted; flowEndLocked
// uncounts it. Only bodies of the current link count: after a switch of
// link the old one's streams flow on until their requests end, and
// counted there, the first body on the new link read as many at once as
// the old link had served. The most at once (flowPeakLocked) is a count
// that link's server demonstrably allowed. The caller holds t.mu.
func (r *run) flowBeginLocked(gen int) bool {
	if gen != r.urlGen {
		return false
	}
	if r.flowGen != gen {
		r.flowGen, r.flowing, r.flowPeak = gen, 0, 0
	}
	r.flowing++
	r.flowPeak = max(r.flowPeak, r.flowing)
	return true
}

// flowEndLocked uncounts a body flowBeginLocked counted under gen.
func (r *run) flowEndLocked(gen int) {
	if gen == r.flowGen && r.flowing > 0 {
		r.flowing--
	}
}

// flowPeakLocked is the most request bodies that flowed at once on the
// current link; another link's servers allow their own counts.
func (r *run) flowPeakLocked() int {
	if r.flowGen != r.urlGen {
		return 0
	}
	return r.flowPeak
}

// fallBack switches to the original URL once, for redirect targets that
// expire (signed CDN links). It reports whether the request asked under
// gen should be asked again at once: the run switched now, or another
// connection's refusal switched it while this one was handled.
func (r *run) fallBack(gen int) bool {
	t := r.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if gen != r.urlGen {
		return true
	}
	if r.fellBack || withoutUserinfo(r.url) == withoutUserinfo(t.rec.URL) {
		return false
	}
	r.fellBack = true
	r.url = t.rec.URL
	r.urlGen++
	// A new source: its validators are its own, so it is admitted by the
	// size check alone (the link-refresh issue adds a same-file check).
	r.spec.src.etag, r.spec.src.lastModified, r.spec.ifRange = "", "", ""
	t.logLocked("The redirected link stopped working; asking the original link again.")
	return true
}
