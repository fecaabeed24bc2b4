package downloader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// readChunk is each connection's read buffer: large enough that a
	// fast stream costs few read and write calls per MiB (CPU per byte),
	// small enough that 32 connections stay within a few MiB.
	readChunk       = 256 << 10
	checkpointEvery = time.Second
	maxRestarts     = 3
	// maxServerRetries bounds consecutive HTTP failures (5xx, 429, …)
	// with no byte received in between; network loss is retried forever.
	maxServerRetries = 8
)

var (
	errPaused  = errors.New("paused")
	errClosing = errors.New("manager closing")
	errRemoved = errors.New("removed")
	errDone    = errors.New("all ranges done")
	// errCannotResume: a connection to a server without ranges broke, so
	// the only way on is from zero. Not a change of the remote file.
	errCannotResume = errors.New("the connection broke and the server cannot resume downloads")
)

// run is one execution of a task, from start (or resume) until it
// completes, fails or is stopped. It owns the part file and the
// connection goroutines; the control loop in attempt is their owner.
type run struct {
	t      *task
	ctx    context.Context
	cancel context.CancelCauseFunc
	file   PartFile
	part   string // path of the part file
	// adopted is the final name of a file an earlier run finished and
	// renamed but did not record; set by reopen.
	adopted string

	client *http.Client
	hdr    http.Header
	ua     string
	host   string

	wg     sync.WaitGroup
	signal chan struct{} // a worker started receiving, or exited
	// written: bytes this run wrote to the part file (kickWriteback).
	written atomic.Int64
	failed  chan error // the first error that ends the run

	// Under t.mu.
	url string // where ranges are requested: final URL, or the original after fallback
	// urlGen counts the changes of url (fallBack, a mirror taking the
	// link's place): a refusal of a request asked under an older one is
	// stale, whenever it is handled.
	urlGen    int
	fellBack  bool
	spec      rangeSpec
	workers   int
	allowance int // slow start: connections allowed so far
	ramp      ramp
	// delay holds the request-to-first-byte samples: the path's round
	// trip (delay.base) and whether it queues.
	delay     pathDelay
	flightBuf []time.Duration // sampleFlightLocked's pass, reused
	cutSpent  int64           // bytes the cuts of this run threw away (estimated, cutCost)
	connRate  float64         // typical bytes/s of one connection, from finished pieces
	peakRate  float64         // fastest sum of the connections' rates seen by a claim (bytes/s)
	limit     int             // connection cap, lowered when the server refuses more
	auto      bool            // the count is automatic: growth past rampPayFrom must pay
	learned   bool            // limit was lowered by a refusal: later ones are transient
	// limitLogged is the learned limit the task log last showed
	// (noteLimitLocked); 0 = none.
	limitLogged int
	serverFail  int // consecutive HTTP failures without progress
	lastByte    time.Time
	// degraded: the server's range answers were unusable; one connection,
	// no splits, and spec.plain once that one is alone.
	degraded bool
	// aheadAddr is where connections were dialed ahead for this run
	// ("host:port", dialahead.go); aheadStop closes those not taken, and
	// aheadKeep calls it when they waited long enough.
	aheadAddr     string
	aheadStop     context.CancelFunc
	aheadKeep     *time.Timer
	refusedLogged bool // a refused TCP connection was logged this run
	refusedNow    int  // connections whose latest answer was a refusal
	// reasking: of those, the ones asking again now (refusalMark); their
	// answers are out, so refused counts them among the open ones.
	reasking int
	// flowing: request bodies flowing now on the link of generation
	// flowGen (not a mirror); flowPeak: the most at once there
	// (flowBeginLocked).
	flowing, flowPeak, flowGen int
	// drops are when the run let go of requests the server may still
	// count (droppedLocked), oldest first.
	drops []time.Time

	// probing: the queue probe runs (queueprobe.go); probeOff: one
	// failed, so this run asks no more; probeUntil: a re-probe wants a
	// verdict until then (probeBeforeLocked); probeOK: the manager's
	// transport can be copied for it (Manager.canProbe).
	probeOK    bool
	probing    bool
	probeOff   bool
	probeUntil time.Time

	// firstEnd is where the probe's stream ends (exclusive), 0 = with the file.
	firstEnd int64

	// video is the HLS plan of a video task (hlstask.go); nil for a file.
	video *videoRun
	// mirrors are the admitted mirrors requests spread over (mirrorsources.go).
	mirrors mirrorSet
}

// execute runs the task to completion. A remote change restarts it from
// zero (a bounded number of times) so old and new bytes are never mixed.
func (t *task) execute(ctx context.Context) error {
	for restarts := 0; ; restarts++ {
		err := t.attempt(ctx)
		if t.failOver(ctx, err) {
			continue
		}
		if classify(err) != classChanged || ctx.Err() != nil || restarts >= maxRestarts {
			return err
		}
		why := "The file on the server changed; starting over so old and new data are never mixed."
		if errors.Is(err, errCannotResume) {
			why = "The connection broke and the server cannot resume; starting over."
		}
		t.mu.Lock()
		t.logLocked(why)
		// The old bytes go, so the new file takes the same name.
		t.m.deletePart(t.rec.Folder, t.rec.Name)
		t.resetLocked()
		t.mu.Unlock()
	}
}

// resetLocked forgets what we knew of the remote file; the next attempt
// probes afresh and truncates the part file.
func (t *task) resetLocked() {
	t.rec.Size = -1
	t.rec.ETag, t.rec.LastModified, t.rec.ContentEncoding = "", "", ""
	t.rec.Resumable = false
	t.rec.Segments = nil
	t.rec.Video = nil
	t.rec.Digest, t.rec.Verified = nil, false
	t.pieces = nil
}

func (t *task) attempt(parent context.Context) (err error) {
	ctx, cancel := context.WithCancelCause(t.withProxy(parent))
	defer cancel(nil)
	m := t.m
	t.mu.Lock()
	hdr := t.rec.Options.Headers.Clone()
	ctx = withCredentials(ctx, newCredentials(t.rec.URL, hdr))
	r := &run{
		t:       t,
		ctx:     ctx,
		cancel:  cancel,
		client:  t.clientLocked(),
		hdr:     hdr,
		ua:      m.effectiveUserAgent(),
		signal:  make(chan struct{}, 1),
		failed:  make(chan error, 1),
		url:     t.rec.FinalURL,
		spec:    t.rec.rangeSpec(),
		probeOK: m.canProbe(),
	}
	if r.url == "" {
		r.url = t.rec.URL
	}
	r.limit, r.auto = t.connCeilingLocked()
	resume := t.rec.Segments != nil && t.rec.Name != ""
	video := t.rec.Video != nil && t.rec.Name != ""
	t.run = r
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		t.run = nil
		// A retry message ("waiting for network: …") describes this run
		// only; the manager records how it ended in the task's Error.
		t.errText = ""
		// Drop the live counters: t.rec.Segments holds what the last
		// checkpoint made durable, and that is all a record may claim
		// (the final checkpoint may have failed, e.g. on a full disk).
		t.pieces = nil
		t.mu.Unlock()
	}()
	// Registered before reopen and create, which may fail after opening
	// the part file: it must not stay open (a leaked descriptor keeps a
	// full disk busy and the file undeletable on Windows).
	defer func() {
		if r.file != nil {
			if cerr := r.file.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("close part file: %w", cerr)
			}
		}
	}()

	if video {
		return r.resumeVideo()
	}
	var first io.ReadCloser
	if resume {
		ok, err := r.reopen()
		if err != nil {
			return err
		}
		resume = ok
		if r.adopted != "" {
			return r.adopt(r.adopted)
		}
	}
	if !resume {
		p, err := r.probe()
		if err != nil {
			return err
		}
		r.categorize(p)
		if p.playlist {
			return r.startVideo(p)
		}
		first, r.firstEnd = p.body, p.bodyEnd
		if err := r.create(p); err != nil {
			p.body.Close()
			return err
		}
	}
	if u, perr := url.Parse(r.url); perr == nil {
		r.host = u.Host
	}
	t.setPhase(PhaseDownloading, "")
	if err := r.loop(first); err != nil {
		return err
	}
	return r.finish()
}

// connLimitLocked is the task's connection cap from its options and the
// manager's settings; one for servers that cannot do ranges.
func (t *task) connLimitLocked() int {
	n, _ := t.connCeilingLocked()
	return n
}

// connCeilingLocked is connLimitLocked and whether the count is automatic
// (ConnectionsAuto: growth past 16 must pay, ramp.go).
func (t *task) connCeilingLocked() (n int, auto bool) {
	n, auto = t.settingCeilingLocked()
	if (!t.rec.Resumable || t.rec.Size < 0) && t.rec.Video == nil {
		n = 1
	}
	return n, auto
}

// settingCeilingLocked is the connection count the task's setting (its
// own, else the settings') allows, and whether it is automatic, whatever
// the server turns out to allow.
func (t *task) settingCeilingLocked() (n int, auto bool) {
	n = t.rec.Options.Connections
	if n <= 0 {
		n = t.m.settingsSnapshot().Connections
	}
	return max(1, min(ConnectionCeiling(n), MaxConnections)), n <= ConnectionsAuto
}

// recordLocked is the record to persist. Its segments are t.rec.Segments,
// what the last checkpoint made durable, never the live counters: a
// record written mid-run (an option change, a move in the queue) must not
// claim bytes that were not synced yet.
func (t *task) recordLocked() TaskRecord {
	rec := t.rec
	rec.Version = RecordVersion
	rec.Segments = compact(rec.Segments)
	rec.Options = cloneOptions(rec.Options)
	return rec
}

// loop starts connections and supervises them until every range is on
// disk or the run ends. It always leaves with a final checkpoint.
func (r *run) loop(first io.ReadCloser) error {
	t := r.t
	t.mu.Lock()
	r.allowance = 1
	t.mu.Unlock()
	if first != nil {
		t.mu.Lock()
		p := t.pieces[0]
		p.conn = newConn()
		p.reqEnd = r.firstEnd
		r.workers++
		t.mu.Unlock()
		t.m.hosts.acquire(r.host, true)
		r.wg.Add(1)
		go r.worker(p, first)
	} else {
		r.grow()
	}
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	rampTicker := time.NewTicker(rampTick)
	defer rampTicker.Stop()
	rampC := rampTicker.C
	var end error
	if r.complete() {
		// Every byte is on disk already (a resume after the rename
		// failed, or a stop while verifying): no worker will ever signal.
		end = errDone
	}
	for end == nil {
		select {
		case now := <-rampC:
			if r.rampStep(now) {
				r.grow()
				r.rampUntaken(now)
			}
			r.startProbe(now)
			if r.rampSettled() {
				rampTicker.Stop()
				rampC = nil
			}
		case now := <-tick.C:
			t.mu.Lock()
			r.sampleFlightLocked()
			r.noteLimitLocked()
			t.mu.Unlock()
			if err := r.checkpoint(); err != nil {
				end = err
				break
			}
			if r.complete() {
				end = errDone
				break
			}
			r.replaceStragglers(now)
			retried := r.rampRetry(now)
			if retried {
				rampTicker.Reset(rampTick)
				rampC = rampTicker.C
			}
			r.grow()
			if retried {
				r.rampUntaken(now)
			}
			r.startProbe(now)
		case <-r.signal:
			if r.complete() {
				end = errDone
				break
			}
			r.grow()
		case err := <-r.failed:
			end = err
		case <-r.ctx.Done():
			end = context.Cause(r.ctx)
		}
	}
	r.cancel(end)
	r.wg.Wait()
	t.mu.Lock()
	r.noteLimitLocked()
	t.conns = 0
	t.mu.Unlock()
	cerr := r.checkpoint()
	if end == errDone {
		if cerr != nil {
			return cerr
		}
		return nil
	}
	return end
}

func (r *run) rampSettled() bool {
	r.t.mu.Lock()
	defer r.t.mu.Unlock()
	return r.ramp.done
}

func (r *run) complete() bool {
	r.t.mu.Lock()
	defer r.t.mu.Unlock()
	for _, p := range r.t.pieces {
		if !p.complete() {
			return false
		}
	}
	return true
}

func (r *run) notify() {
	select {
	case r.signal <- struct{}{}:
	default:
	}
}

func (r *run) fail(err error) {
	select {
	case r.failed <- err:
	default:
	}
}
