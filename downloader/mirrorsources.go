package downloader

import (
	"errors"
	"net/url"
	"slices"
)

// Spreading a run's requests over its mirrors. A mirror is used only
// after the same-file check has compared it with bytes already on disk,
// so it is started after a checkpoint made some durable; each request
// then goes to the link or one of the admitted mirrors in turn, taking a
// slot of that mirror's host. A mirror whose answer is unusable is
// dropped with a log line; when the link itself is refused, the first
// admitted mirror takes its place and the run goes on.

// mirrorMinBytes is how much must be on disk before mirrors are checked:
// enough for the samples to mean something.
const mirrorMinBytes = 1 << 20

// mirrorSet is what a run knows of its mirrors. Under t.mu.
type mirrorSet struct {
	started bool
	sources []mirrorSource
	next    int
}

// mirrorSource is an admitted mirror and the shape its answers must have.
type mirrorSource struct {
	url, host string
	spec      rangeSpec
}

// startMirrors checks the task's mirrors once enough bytes are durable,
// in a goroutine owned by the run. Called after each checkpoint.
func (r *run) startMirrors() {
	t := r.t
	t.mu.Lock()
	pending := slices.Clone(t.rec.Mirrors)
	ready := r.ctx.Err() == nil && len(pending) > 0 && !r.mirrors.started && t.rec.Resumable &&
		t.rec.Size > 0 && t.rec.Video == nil && !r.degraded && doneBytes(t.rec.Segments) >= mirrorMinBytes
	if ready {
		r.mirrors.started = true
		r.wg.Add(1)
	}
	t.mu.Unlock()
	if !ready {
		return
	}
	go func() {
		defer r.wg.Done()
		for _, m := range pending {
			got, err := t.checkSameFile(r.ctx, m)
			if r.ctx.Err() != nil {
				return
			}
			if err == nil && got.fresh {
				continue // nothing on disk to compare with any more
			}
			t.mu.Lock()
			if err != nil {
				r.dropMirrorLocked(m, err)
			} else {
				r.mirrors.sources = append(r.mirrors.sources, mirrorSource{url: m, host: hostOf(m), spec: r.mirrorSpecLocked(got)})
				t.logLocked("The mirror " + RedactURL(m) + " serves the same file (" + got.how + "); downloading from it too.")
			}
			t.mu.Unlock()
			r.notify()
		}
	}()
}

// mirrorSpecLocked is the range spec of a mirror: the task's size, the
// mirror's own validators.
func (r *run) mirrorSpecLocked(got sourceCheck) rangeSpec {
	s := r.spec
	s.ifRange = validator(got.etag, got.lastModified)
	s.src = sourceState{etag: got.etag, lastModified: got.lastModified, encoding: r.spec.src.encoding}
	return s
}

// pickSourceLocked is where the next request goes: the link or an
// admitted mirror in turn. done releases the mirror host's slot taken
// for it; a mirror whose host is at its cap is passed over.
func (r *run) pickSourceLocked() (rawURL string, spec rangeSpec, done func()) {
	ms := &r.mirrors
	n := len(ms.sources)
	if n == 0 || r.degraded || r.spec.plain {
		return r.url, r.spec, func() {}
	}
	ms.next++
	if i := ms.next % (n + 1); i > 0 {
		s := ms.sources[i-1]
		if s.host == r.host {
			return s.url, s.spec, func() {}
		}
		if r.t.m.hosts.acquire(s.host, false) {
			return s.url, s.spec, func() { r.t.m.hosts.release(s.host) }
		}
	}
	return r.url, r.spec, func() {}
}

// sourceFailed handles a request that failed at rawURL before any byte.
// A mirror's failure drops the mirror; the link's refusal, while a
// mirror is admitted, makes that mirror the link. It reports whether the
// request should just be asked again (errStaleSource).
func (r *run) sourceFailed(rawURL string, err error) bool {
	t := r.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if r.ctx.Err() != nil || errors.Is(err, errClosing) {
		return false
	}
	if slices.ContainsFunc(r.mirrors.sources, func(s mirrorSource) bool { return s.url == rawURL }) {
		if !mirrorBroken(err) {
			return false // a flaky network: retried like any request
		}
		r.dropMirrorLocked(rawURL, err)
		return true
	}
	if rawURL != r.url || len(r.mirrors.sources) == 0 || !(refusal(err) || expiredLink(err)) {
		return false
	}
	next := r.mirrors.sources[0]
	r.mirrors.sources = r.mirrors.sources[1:]
	t.logLocked("The link " + RedactURL(t.rec.URL) + " stopped working (" + Sentence(err) + "); the download goes on from the mirror " + RedactURL(next.url) + ".")
	// r.host stays: the connections hold their slots there.
	r.url, r.spec = next.url, next.spec
	r.urlGen++
	t.rec.URL, t.rec.FinalURL = next.url, next.url
	t.rec.ETag, t.rec.LastModified = next.spec.src.etag, next.spec.src.lastModified
	t.rec.Mirrors = removeMirror(t.rec.Mirrors, next.url)
	return true
}

// dropMirrorLocked forgets a mirror for this run and the task.
func (r *run) dropMirrorLocked(m string, err error) {
	t := r.t
	r.mirrors.sources = slices.DeleteFunc(r.mirrors.sources, func(s mirrorSource) bool { return s.url == m })
	t.rec.Mirrors = removeMirror(t.rec.Mirrors, m)
	t.logLocked(mirrorDropped(m, err))
}

// mirrorDropped is the log line of a dropped mirror.
func mirrorDropped(m string, err error) string {
	why := Sentence(err)
	var le *linkError
	if errors.As(err, &le) {
		switch {
		case errors.Is(le.err, ErrDifferentFile):
			why = "it serves a different file (" + le.why + ")."
		case errors.Is(le.err, ErrCannotCompare):
			why = "Haul cannot check it serves the same file (" + le.why + ")."
		}
	}
	return "The mirror " + RedactURL(m) + " was dropped: " + why
}

// hostOf is the host:port of raw, "" when it does not parse.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

// mirrorBroken reports whether a mirror's failed request says the mirror
// is of no use: it refused, lost or changed the file, or answers in a way
// Haul cannot use. A connection cut by Haul itself (a straggler, a
// surplus) or a flaky network says nothing about the mirror.
func mirrorBroken(err error) bool {
	if errors.Is(err, errStraggler) || errors.Is(err, errSurplus) {
		return false
	}
	switch classify(err) {
	case classChanged, classFatal, classServer:
		return true
	}
	return refusedAddr(err) != "" || errors.Is(err, errRangeIgnored) || errors.Is(err, errProtocol)
}
