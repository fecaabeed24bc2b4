package downloader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// The queue probe answers the ramp's question "does the path queue?"
// (pathdelay.go) with a measurement made for it: a one-byte ranged GET,
// again and again, on a connection of its own, timed from writing the
// request to the answer's first byte. The data requests' own first bytes
// answer it only when requests end, and they mix the queue up with what
// the server does: sixteen answers started together come late on any
// path, and a server that paces each connection delays the next answer
// of a connection it is pacing. A one-byte answer on an idle connection
// waits for neither, only for the round trip and the queue in front of
// it. Measured on the bench's paths while Haul downloaded: 400 Mbit/s at
// 50 ms, 80-105 ms from the moment the connections filled it (the
// shortest 51); 50 ms with 0.5 % loss, 50-53 ms with the odd
// retransmit; loopback with 2 MiB/s per connection, 0.2-0.5 ms.
//
// It runs only where its answer decides something: while an automatic
// count past rampPayFrom may still double (ramp.go), and for a moment
// before the re-probe of a count that settled on a full path
// (probeBeforeLocked). So it is one connection more than the task's
// count for the seconds a ramp takes, only while the count is below the
// task's cap and the host's, and never on a server whose refusals
// already set the count. It takes no host slot (hostSlots): a doubling
// must find every slot it needs free, and a slot the probe held when one
// began cost that doubling a connection for the rest of the download
// (rampUntaken).
const (
	// probeSamples is how many recent samples the verdict looks at, and
	// probeMinSamples how many a burst needs before it says anything.
	probeSamples    = 5
	probeMinSamples = 4
	// probeFresh is how old the newest sample may be for the verdict to
	// count; an older one describes another moment of the path.
	probeFresh = time.Second
	// probeGap is the pause between an answer and the next probe.
	probeGap = 20 * time.Millisecond
	// probeBurst is how long a probe runs before a re-probe's decision
	// (probeBefore): long enough for probeMinSamples round trips of a
	// far path.
	probeBurst = 2 * time.Second
	// probeTimeout bounds one probe: an answer this late says the path
	// is in trouble, not how deep its queue is.
	probeTimeout = 10 * time.Second
)

// errProbeRefused: the server did not answer a probe with the one byte
// asked; the run stops probing and the first bytes of its requests
// answer the question again.
var errProbeRefused = errors.New("queue probe not answered with 206")

// probeWantedLocked reports whether the queue probe should run at now:
// the count is automatic and may still double (the ramp is open past
// rampPayFrom, or a re-probe waits for a verdict until probeUntil), the
// task's cap and the host's leave room for that doubling, and no probe
// of this run failed. Under t.mu.
func (r *run) probeWantedLocked(now time.Time) bool {
	if !r.probeUsableLocked() {
		return false
	}
	if now.Before(r.probeUntil) {
		return true
	}
	// Only once (nearly) every allowed connection delivers: a doubling's
	// newcomers must not meet the probe at a server that caps requests
	// in flight (the limit it taught would be one lower for good), and a
	// tail that drains decides nothing.
	return !r.ramp.done && r.allowance >= rampPayFrom && r.t.conns >= delivering(r.allowance)
}

// awaitingProbeLocked reports whether the queue probe can run but has
// no fresh verdict at now: where it can run, its answer decides whether
// the path is full, not the first bytes' (on a busy machine those of a
// server that paces each connection looked queued in most runs), so the
// ramp waits for it. It runs only from rampPayFrom on (or in a
// re-probe's burst, probeWantedLocked): below, nothing is awaited, or a
// fast connection on loopback waited for a verdict that never came and
// its download ran on one connection to the end. Under t.mu.
func (r *run) awaitingProbeLocked(now time.Time) bool {
	return r.delay.probed(now) == 0 && r.probeUsableLocked() &&
		(r.allowance >= rampPayFrom || now.Before(r.probeUntil))
}

// probeUsableLocked reports whether a queue probe could run and matter:
// an automatic count below the task's cap and the host's, a host slot
// free (the probe takes none, but must not make the host's connections
// one more than its cap), no refusal that set the count, no probe of
// this run that failed, and a transport the probe can copy (probeOK).
// Under t.mu.
func (r *run) probeUsableLocked() bool {
	return r.probeOK && r.auto && !r.probeOff && !r.learned && r.allowance < r.limit &&
		r.t.m.hosts.roomBeyond(r.host, r.allowance)
}

// startProbe starts the queue probe when it is wanted and not running.
// It runs on the control loop, which owns the probe's goroutine through
// r.wg.
func (r *run) startProbe(now time.Time) {
	t := r.t
	t.mu.Lock()
	if r.probing || !r.probeWantedLocked(now) {
		t.mu.Unlock()
		return
	}
	rt := t.m.probeTransport()
	if rt == nil {
		t.mu.Unlock()
		return
	}
	r.probing = true
	r.delay.restartProbes()
	t.mu.Unlock()
	r.wg.Add(1)
	go r.probeQueue(rt)
}

// probeQueue probes until the probe is no longer wanted, the run ends,
// or the server does not answer a probe as asked.
func (r *run) probeQueue(rt http.RoundTripper) {
	defer r.wg.Done()
	t := r.t
	client := newProbeClient(rt, r.client.Jar)
	defer client.CloseIdleConnections()
	wait := time.NewTimer(0)
	defer wait.Stop()
	for {
		select {
		case <-r.ctx.Done():
			r.probeEnded(false)
			return
		case <-wait.C:
		}
		t.mu.Lock()
		rawURL, spec := r.url, r.spec
		wanted := r.probeWantedLocked(time.Now())
		t.mu.Unlock()
		if !wanted {
			r.probeEnded(false)
			return
		}
		d, err := probeOnce(r.ctx, client, rawURL, r.hdr, r.ua, spec.ifRange)
		if err != nil {
			r.probeEnded(r.ctx.Err() == nil)
			return
		}
		t.mu.Lock()
		r.delay.addProbe(d, time.Now())
		t.mu.Unlock()
		wait.Reset(probeGap)
	}
}

// probeEnded records that the probe stopped; failed turns it off for
// the rest of the run.
func (r *run) probeEnded(failed bool) {
	r.t.mu.Lock()
	r.probing = false
	r.probeOff = r.probeOff || failed
	r.t.mu.Unlock()
}

// probeBeforeLocked asks for a burst of probes until now+probeBurst; it is
// how a re-probe on a full path gets a fresh verdict (rampRetry). Under
// t.mu.
func (r *run) probeBeforeLocked(now time.Time) {
	r.probeUntil = now.Add(probeBurst)
}

// newProbeClient is the queue probe's client on rt with the task's
// cookies. It follows no redirect: another host is not the path the
// ranges take.
func newProbeClient(rt http.RoundTripper, jar http.CookieJar) *http.Client {
	return &http.Client{
		Transport:     rt,
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// probeOnce asks rawURL for its first byte (If-Range ifRange when not
// empty) and returns the delay from writing the request to the first
// byte of the answer. Any answer but a 206 of at most a few bytes is
// errProbeRefused; a network error is returned as it is.
func probeOnce(ctx context.Context, c *http.Client, rawURL string, hdr http.Header, ua, ifRange string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	var delay time.Duration
	req, err := newRequest(withDelaySample(ctx, func(d time.Duration) { delay = d }, nil), rawURL, hdr, ua)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Range", "bytes=0-0")
	if ifRange != "" {
		req.Header.Set("If-Range", ifRange)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, fmt.Errorf("queue probe: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || resp.ContentLength > 1 {
		// Closed unread: a whole file must not follow.
		return 0, fmt.Errorf("queue probe: status %d: %w", resp.StatusCode, errProbeRefused)
	}
	// Read to the body's end, so the connection is kept for the next.
	n, err := io.Copy(io.Discard, io.LimitReader(resp.Body, 2))
	switch {
	case err != nil:
		return 0, fmt.Errorf("queue probe: %w", err)
	case n > 1:
		return 0, fmt.Errorf("queue probe: more than the byte asked: %w", errProbeRefused)
	}
	return delay, nil
}

// canProbe reports whether probeTransport has a transport to copy.
func (m *Manager) canProbe() bool {
	_, ok := m.baseTransport.(*http.Transport)
	return ok
}

// probeTransport is a transport of its own for one run's queue probe:
// the probe must neither wait behind nor take over a kept-alive
// connection of the task's ranges. nil when the manager was given a
// transport it cannot copy (Config.Transport); the first bytes of the
// requests then answer alone.
func (m *Manager) probeTransport() http.RoundTripper {
	base, ok := m.baseTransport.(*http.Transport)
	if !ok {
		return nil
	}
	tr := base.Clone()
	tr.MaxConnsPerHost, tr.MaxIdleConnsPerHost = 1, 1
	return siteLoginTransport{base: tr, m: m}
}
