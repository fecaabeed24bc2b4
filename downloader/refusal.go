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
// connection has not delivered a byte in this run (refused); gen is
// r.urlGen when its request was asked. A refusal of a link the run has
// left since is asked again at once and counts against nothing: with
// four connections refused by an expired link together, the first
// fell back to the original link and the other three, handled after
// it, were taken for a connection limit.
func (r *run) onRefusal(err error, fresh bool, gen int) (refusalAction, error) {
	t := r.t
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
		if r.refused(fresh, gen) {
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

// markRefused keeps r.refusedNow, the connections whose latest answer
// was a refusal; *mine is the calling connection's part in it.
func (r *run) markRefused(mine *bool, refused bool) {
	if *mine == refused {
		return
	}
	t := r.t
	t.mu.Lock()
	if refused {
		r.refusedNow++
	} else {
		r.refusedNow--
	}
	t.mu.Unlock()
	*mine = refused
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
	idle := t.conns == 0
	t.mu.Unlock()
	if idle {
		t.setPhaseKind(PhaseRetrying, Sentence(err), KindRefused)
	}
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
// connection bows out. fresh: this connection has not delivered a byte
// in this run (a newcomer); gen as for onRefusal. It reports false when
// this is the only connection, or the run has left the refused link
// meanwhile, so the refusal is an ordinary error.
func (r *run) refused(fresh bool, gen int) bool {
	t := r.t
	t.mu.Lock()
	if gen != r.urlGen {
		t.mu.Unlock()
		return false
	}
	// The count that works: the connections transferring, and those whose
	// answers are still out. Sixteen requests go out at once (jumpLocked),
	// and the first refusal may come before the accepted ones' bodies
	// begin: counting only those transferring settled a server that
	// allows four at one to three, and the download ran a fifth slower.
	// Each later refusal of a newcomer lowers the count further, to what
	// was served. A connection that was served before is refused for
	// other reasons too (an expired link refuses everyone): for it the
	// count that works stays the connections transferring.
	working := t.conns
	if fresh {
		working = max(working, r.workers-r.refusedNow)
	}
	// Once the count that works is known, a refusal of a connection that
	// delivered is the server's hiccup (a closed connection it still
	// counts, say): retry, do not keep lowering the count.
	if working < 1 || r.learned && r.workers <= r.limit && !fresh {
		t.mu.Unlock()
		return false
	}
	if working < r.limit {
		// Logged once the refusals of a burst are over (noteLimitLocked):
		// each one lowers the count by one.
		r.limit = working
		r.learned = true
	}
	t.mu.Unlock()
	t.m.hosts.learn(r.host, working)
	return true
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
