package downloader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"
)

const (
	readChunk       = 128 << 10
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

	client *http.Client
	hdr    http.Header
	ua     string
	host   string

	wg     sync.WaitGroup
	signal chan struct{} // a worker started receiving, or exited
	failed chan error    // the first error that ends the run

	// Under t.mu.
	url        string // where ranges are requested: final URL, or the original after fallback
	fellBack   bool
	spec       rangeSpec
	workers    int
	allowance  int // slow start: connections allowed so far
	ramp       ramp
	firstByte  time.Duration // latest request-to-first-byte delay
	limit      int           // connection cap, lowered when the server refuses more
	serverFail int           // consecutive HTTP failures without progress
	netWaiting int           // workers backing off after a network error
}

// execute runs the task to completion. A remote change restarts it from
// zero (a bounded number of times) so old and new bytes are never mixed.
func (t *task) execute(ctx context.Context) error {
	for restarts := 0; ; restarts++ {
		err := t.attempt(ctx)
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
		deletePart(t.rec.Folder, t.rec.Name)
		t.resetLocked()
		t.mu.Unlock()
	}
}

// resetLocked forgets what we knew of the remote file; the next attempt
// probes afresh and truncates the part file.
func (t *task) resetLocked() {
	t.rec.Size = -1
	t.rec.ETag, t.rec.LastModified = "", ""
	t.rec.Resumable = false
	t.rec.Segments = nil
	t.pieces = nil
}

func (t *task) attempt(parent context.Context) (err error) {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	m := t.m
	t.mu.Lock()
	hdr := t.rec.Options.Headers.Clone()
	r := &run{
		t:      t,
		ctx:    ctx,
		cancel: cancel,
		client: m.client,
		hdr:    hdr,
		ua:     m.userAgent,
		signal: make(chan struct{}, 1),
		failed: make(chan error, 1),
		limit:  t.connLimitLocked(),
		url:    t.rec.FinalURL,
		spec:   rangeSpec{size: t.rec.Size, ifRange: validator(t.rec.ETag, t.rec.LastModified), noRanges: !t.rec.Resumable},
	}
	if r.url == "" {
		r.url = t.rec.URL
	}
	resume := t.rec.Segments != nil && t.rec.Name != ""
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

	var first io.ReadCloser
	if resume {
		ok, err := r.reopen()
		if err != nil {
			return err
		}
		resume = ok
	}
	if !resume {
		p, err := r.probe()
		if err != nil {
			return err
		}
		first = p.body
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
	n := t.rec.Options.Connections
	if n <= 0 {
		n = t.m.settingsSnapshot().Connections
	}
	n = max(1, min(n, MaxConnections))
	if !t.rec.Resumable || t.rec.Size < 0 {
		n = 1
	}
	return n
}

// probe asks the server about the file, retrying like a connection would.
func (r *run) probe() (*probed, error) {
	t := r.t
	t.setPhase(PhaseProbing, "")
	t.mu.Lock()
	raw := t.rec.URL
	t.mu.Unlock()
	for attempt := 0; ; attempt++ {
		p, err := probe(r.ctx, r.client, raw, r.hdr, r.ua)
		if err == nil {
			return p, nil
		}
		if !r.backoff(err, attempt) {
			return nil, err
		}
	}
}

// backoff decides whether a failed request is retried, waits, and keeps
// the phase honest. It returns false when the error ends the run.
func (r *run) backoff(err error, attempt int) bool {
	t := r.t
	var d time.Duration
	switch classify(err) {
	case classNetwork:
		t.mu.Lock()
		r.netWaiting++
		waiting := r.netWaiting > 0 && t.conns == 0
		t.mu.Unlock()
		defer func() {
			t.mu.Lock()
			r.netWaiting--
			t.mu.Unlock()
		}()
		if waiting {
			t.setPhase(PhaseWaitingNetwork, Sentence(err))
		}
		d = networkBackoff.delay(attempt, err, time.Now())
	case classServer:
		t.mu.Lock()
		r.serverFail++
		n := r.serverFail
		t.mu.Unlock()
		if n > maxServerRetries {
			return false
		}
		t.setPhase(PhaseRetrying, Sentence(err))
		d = serverBackoff.delay(attempt, err, time.Now())
	default:
		return false
	}
	return sleepCtx(r.ctx, d)
}

// create decides the file name, creates and sizes the part file, and
// records the task before any byte is written.
func (r *run) create(p *probed) error {
	t := r.t
	m := t.m
	t.mu.Lock()
	folder := t.rec.Folder
	name := t.rec.Name
	if !t.rec.NameFixed || name == "" {
		name = p.name
	}
	// A part file this task created but never recorded progress for (a
	// crash right after creating it) is ours and empty of anything we
	// claim: remove it, or it would push the download to "name (1)".
	stale := ""
	if t.rec.PartOwned && t.rec.Name != "" {
		stale = filepath.Join(folder, t.rec.Name+partSuffix)
	}
	t.mu.Unlock()
	if stale != "" {
		if err := os.Remove(stale); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove stale part file: %w", err)
		}
	}
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return fmt.Errorf("create folder: %w", err)
	}
	var f PartFile
	for tries := 0; ; tries++ {
		chosen, note := m.reserveName(t.id, folder, SanitizeName(name))
		if chosen == "" {
			return fmt.Errorf("no free file name for %q in %s: %w", name, folder, ErrNoFreeName)
		}
		// Record the name before the file exists, so a crash in between
		// leaves a part file the next run knows is its own.
		t.mu.Lock()
		t.rec.Name, t.rec.PartOwned = chosen, true
		rec := t.recordLocked()
		t.mu.Unlock()
		if err := m.store.PutTask(rec); err != nil {
			return fmt.Errorf("save task: %w", err)
		}
		var err error
		f, err = m.fs.OpenPart(filepath.Join(folder, chosen+partSuffix), true)
		if errors.Is(err, fs.ErrExist) && tries < 100 {
			continue // someone took it between the check and the create
		}
		if err != nil {
			return fmt.Errorf("create part file: %w", err)
		}
		t.mu.Lock()
		if note != "" {
			t.logLocked(note)
		}
		t.rec.Name = chosen
		t.mu.Unlock()
		r.part = filepath.Join(folder, chosen+partSuffix)
		break
	}
	r.file = f
	if err := preallocate(f, folder, p.size); err != nil {
		// The file was created just now and holds nothing: leave no
		// empty part behind, or the retry would see its own leftover as
		// a collision and save under "name (1)".
		r.file = nil
		f.Close()
		os.Remove(r.part)
		return err
	}
	t.mu.Lock()
	t.rec.FinalURL = p.finalURL
	t.rec.Size = p.size
	t.rec.Resumable = p.resumable
	t.rec.ETag, t.rec.LastModified = p.etag, p.lastModified
	t.setPiecesLocked(initialSegments(p.size))
	r.url = p.finalURL
	r.spec = rangeSpec{size: p.size, ifRange: validator(p.etag, p.lastModified), noRanges: !p.resumable}
	r.limit = t.connLimitLocked()
	rec := t.recordLocked()
	t.mu.Unlock()
	if err := m.store.PutTask(rec); err != nil {
		return fmt.Errorf("save task: %w", err)
	}
	m.emit(EventChanged, t)
	return nil
}

// reopen picks up a part file from an earlier run. It reports false when
// the earlier bytes cannot be trusted or used, after resetting the plan
// so the caller starts afresh.
func (r *run) reopen() (bool, error) {
	t := r.t
	t.mu.Lock()
	folder, name, size := t.rec.Folder, t.rec.Name, t.rec.Size
	segs := t.rec.Segments
	resumable := t.rec.Resumable
	t.mu.Unlock()
	path := filepath.Join(folder, name+partSuffix)
	restart := func(why string) (bool, error) {
		t.mu.Lock()
		t.logLocked(why)
		t.resetLocked()
		t.mu.Unlock()
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return false, fmt.Errorf("remove stale part file: %w", err)
		}
		return false, nil
	}
	if !validSegments(segs, size) {
		return restart("The saved progress was inconsistent; the download starts over.")
	}
	if doneBytes(segs) > 0 && !resumable {
		return restart("The server cannot resume downloads; the download starts over.")
	}
	f, err := t.m.fs.OpenPart(path, false)
	if errors.Is(err, fs.ErrNotExist) {
		if doneBytes(segs) > 0 {
			return restart(Sentence(ErrPartMissing))
		}
		return restart("Starting.")
	}
	if err != nil {
		return false, fmt.Errorf("open part file: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return false, fmt.Errorf("stat part file: %w", err)
	}
	// Never claim bytes beyond what the file holds.
	clamped := false
	for i := range segs {
		if end := segs[i].pos(); end > st.Size() {
			segs[i].Done = max(0, st.Size()-segs[i].Start)
			clamped = true
		}
	}
	r.file = f
	r.part = path
	if err := preallocate(f, folder, size); err != nil {
		return false, err
	}
	t.mu.Lock()
	if clamped {
		t.logLocked("The partial file was shorter than recorded; the missing part is downloaded again.")
	}
	t.setPiecesLocked(segs)
	r.limit = t.connLimitLocked()
	t.mu.Unlock()
	return true, nil
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
	for end == nil {
		select {
		case now := <-rampC:
			if r.rampStep(now) {
				r.grow()
			}
			if r.rampSettled() {
				rampTicker.Stop()
				rampC = nil
			}
		case <-tick.C:
			if err := r.checkpoint(); err != nil {
				end = err
				break
			}
			r.grow()
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

// grow starts connections while slow start, the caps and the work allow.
func (r *run) grow() {
	t := r.t
	for {
		t.mu.Lock()
		if r.ctx.Err() != nil || r.workers >= min(r.allowance, r.limit) {
			t.mu.Unlock()
			return
		}
		force := r.workers == 0
		if !t.m.hosts.acquire(r.host, force) {
			t.mu.Unlock()
			return
		}
		p := r.claimLocked(nil)
		if p == nil {
			t.mu.Unlock()
			t.m.hosts.release(r.host)
			return
		}
		r.workers++
		t.mu.Unlock()
		r.wg.Add(1)
		go r.worker(p, nil)
	}
}

// claimLocked finds work for a connection: an idle range, or the upper
// part of the busy range with the most time left. c is the connection's
// previous tracker (for its rate), nil for a new one.
func (r *run) claimLocked(c *conn) *piece {
	t := r.t
	now := time.Now()
	slots := make([]slot, len(t.pieces))
	var sum float64
	var n int
	for i, p := range t.pieces {
		slots[i] = slot{Segment: p.Segment, Busy: p.conn != nil, Rate: p.conn.rate(now)}
		if slots[i].Rate > 0 {
			sum += slots[i].Rate
			n++
		}
	}
	newRate := c.rate(now)
	if newRate == 0 && n > 0 {
		newRate = sum / float64(n)
	}
	minSplit := t.m.settingsSnapshot().MinSplit
	if !t.rec.Resumable {
		minSplit = 1 << 62 // one stream only
	}
	idx, at, split, ok := pick(slots, minSplit, newRate)
	if !ok {
		return nil
	}
	if !split {
		p := t.pieces[idx]
		p.conn = newConn()
		return p
	}
	old := t.pieces[idx]
	np := &piece{Segment: Segment{Start: at, End: old.End}, conn: newConn()}
	old.End = at
	t.pieces = append(t.pieces, nil)
	copy(t.pieces[idx+2:], t.pieces[idx+1:])
	t.pieces[idx+1] = np
	return np
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

// checkpoint makes the claimed bytes durable, then records them: the
// counters are read before the sync, so the record never claims a byte
// that was not synced.
func (r *run) checkpoint() error {
	t := r.t
	t.mu.Lock()
	segs := compact(t.segmentsLocked())
	t.mu.Unlock()
	if err := r.file.Sync(); err != nil {
		if classify(err) == classDisk {
			return fmt.Errorf("sync part file: %w", ErrDiskFull)
		}
		return fmt.Errorf("sync part file: %w", err)
	}
	t.mu.Lock()
	t.rec.Segments = segs // durable now; what recordLocked may claim
	t.mu.Unlock()
	if err := t.m.store.PutSegments(t.id, segs); err != nil {
		// The bytes are safe; only the record lags. Say so once and go on.
		t.mu.Lock()
		t.logLocked("Could not save progress: " + err.Error())
		t.mu.Unlock()
	}
	return nil
}

// finish verifies the file and gives it its final name.
func (r *run) finish() error {
	t := r.t
	t.setPhase(PhaseVerifying, "")
	t.mu.Lock()
	size := t.rec.Size
	done := doneBytes(t.segmentsLocked())
	sum := t.rec.Options.Checksum
	folder, name := t.rec.Folder, t.rec.Name
	t.mu.Unlock()
	if size < 0 {
		// Unknown length: the stream's end decided the size.
		size = done
		if err := r.file.Truncate(size); err != nil {
			return fmt.Errorf("trim part file: %w", err)
		}
		t.mu.Lock()
		t.rec.Size = size
		t.mu.Unlock()
	}
	st, err := r.file.Stat()
	if err != nil {
		return fmt.Errorf("stat part file: %w", err)
	}
	if st.Size() != size || done != size {
		return fmt.Errorf("%d bytes on disk, %d done, %d expected: %w", st.Size(), done, size, ErrSizeMismatch)
	}
	if err := r.file.Sync(); err != nil {
		return fmt.Errorf("sync part file: %w", err)
	}
	if cerr := r.file.Close(); cerr != nil {
		r.file = nil
		return fmt.Errorf("close part file: %w", cerr)
	}
	r.file = nil
	if sum != "" {
		if err := verifyFile(r.part, sum); err != nil {
			// Bad bytes are never kept under the final name, nor resumed
			// from: drop them so a resume downloads afresh.
			_ = os.Remove(r.part)
			t.mu.Lock()
			t.resetLocked()
			t.mu.Unlock()
			return err
		}
	}
	// A file may appear under the chosen name at any moment: never
	// replace it, take the next free name instead.
	var final, note string
	for tries := 0; ; tries++ {
		final, note = t.m.finalName(t.id, folder, name)
		err := renameNoReplace(r.part, filepath.Join(folder, final))
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) || tries >= 100 {
			return fmt.Errorf("rename to final name: %w", err)
		}
	}
	t.mu.Lock()
	if note != "" {
		t.logLocked(note)
	}
	t.rec.Name = final
	t.mu.Unlock()
	return nil
}

// verifyFile checks the file at path against "ALGO=HEX".
func verifyFile(path, sum string) error {
	c, err := ParseChecksum(sum)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open for checksum: %w", err)
	}
	defer f.Close()
	return c.Verify(f)
}
