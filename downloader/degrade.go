package downloader

import (
	"errors"
	"slices"
)

// degrade handles a range answer the run cannot use although the file did
// not change: a 200 with the same validators (errRangeIgnored) or a
// self-contradicting answer (errProtocol). The run drops to one
// connection without splits; a connection that is not the last bows out
// (its untouched range joins the stream before it), and the last one
// asks once more a different way: without Range, skipping to its offset.
// When that plain GET is itself unusable, the run fails with a sentence.
func (r *run) degrade(p *piece, err error) refusalAction {
	t := r.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if r.spec.plain && r.workers <= 1 && errors.Is(err, errProtocol) {
		return refusalFail
	}
	if !r.degraded {
		r.degraded = true
		r.limit = 1
		if errors.Is(err, errRangeIgnored) {
			t.logLocked("The server answered a range request with the whole file (same version); continuing with one connection.")
		} else {
			t.logLocked("The server's answer was unusable (" + detail(err) + "); continuing with one connection.")
		}
	}
	if r.workers > 1 {
		r.joinPreviousLocked(p)
		return refusalLeave
	}
	if !r.spec.plain {
		r.spec.plain = true
		t.logLocked("Asking for the whole file and skipping what is already saved.")
	}
	return refusalRetry
}

// joinPreviousLocked gives p's untouched range to the busy piece right
// before it, whose stream may run on into it (the probe's open-ended
// stream does). Otherwise p stays idle for the remaining connection.
func (r *run) joinPreviousLocked(p *piece) {
	t := r.t
	i := slices.Index(t.pieces, p)
	if i <= 0 || p.Done != 0 {
		return
	}
	prev := t.pieces[i-1]
	if prev.conn == nil || prev.End != p.Start {
		return
	}
	prev.End = p.End
	t.pieces = slices.Delete(t.pieces, i, i+1)
}
