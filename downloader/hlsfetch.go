package downloader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/time/rate"

	"haul/downloader/hls"
)

// videoLoop runs connections over the units until all are on disk or the
// run ends, persisting the record every checkpoint interval and at the
// end. Connections start one at a time and grow by one per finished unit
// (slow start), up to the task's limit and the host's.
func (r *run) videoLoop() error {
	t := r.t
	t.mu.Lock()
	r.allowance = 1
	done := r.videoCompleteLocked()
	t.mu.Unlock()
	if done {
		return r.persistVideo()
	}
	r.growVideo()
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	var end error
	for end == nil {
		select {
		case <-tick.C:
			if err := r.persistVideo(); err != nil {
				end = err
				break
			}
			r.growVideo()
		case <-r.signal:
			t.mu.Lock()
			done := r.videoCompleteLocked()
			t.mu.Unlock()
			if done {
				end = errDone
				break
			}
			r.growVideo()
		case err := <-r.failed:
			end = err
		case <-r.ctx.Done():
			end = context.Cause(r.ctx)
		}
	}
	if end != errDone {
		r.cancel(end)
	}
	// When all is done no connection has work left: they are leaving,
	// and the run's context stays alive for the finish (a remux obeys a
	// pause).
	r.wg.Wait()
	t.mu.Lock()
	t.conns = 0
	t.mu.Unlock()
	perr := r.persistVideo()
	if end == errDone {
		return perr
	}
	return end
}

// persistVideo writes the record when units finished since the last
// time. Every unit it claims was synced before it was marked done.
func (r *run) persistVideo() error {
	t := r.t
	t.mu.Lock()
	if !r.video.dirty {
		t.mu.Unlock()
		return nil
	}
	r.video.dirty = false
	rec := t.recordLocked()
	t.mu.Unlock()
	if err := t.m.store.PutTask(rec); err != nil {
		// The segments are safe on disk; only the record lags.
		t.mu.Lock()
		t.logLocked("Could not save progress: " + err.Error())
		t.mu.Unlock()
	}
	t.m.emit(EventProgress, t)
	return nil
}

// growVideo starts connections while slow start, the caps and the units
// left allow.
func (r *run) growVideo() {
	r.growWith(func() func() {
		i := r.nextUnitLocked()
		if i < 0 {
			return nil
		}
		return func() { r.videoWorker(i) }
	})
}

// videoWorker is one connection: it fetches unit i, then claims the next
// until none is left, the run ends, or a unit fails for good.
func (r *run) videoWorker(i int) {
	t := r.t
	defer func() {
		t.mu.Lock()
		r.workers--
		if i >= 0 {
			delete(r.video.inflight, i)
		}
		t.mu.Unlock()
		t.m.hosts.release(r.host)
		r.wg.Done()
		r.notify()
	}()
	for i >= 0 {
		if err := r.fetchUnitRetry(i); err != nil {
			if r.ctx.Err() == nil {
				r.fail(err)
			}
			return
		}
		t.mu.Lock()
		delete(r.video.inflight, i)
		r.allowance = min(r.allowance+1, r.limit)
		i = r.nextUnitLocked()
		t.mu.Unlock()
		r.notify()
	}
}

// fetchUnitRetry fetches unit i, retrying network and server failures
// like a file's connection, and fetching the playlist again when a
// segment's link expired (403/410: signed URLs).
func (r *run) fetchUnitRetry(i int) error {
	t := r.t
	for attempt := 0; ; {
		t.mu.Lock()
		gen := r.video.gen
		t.mu.Unlock()
		err := r.fetchUnit(i)
		if err == nil {
			return nil
		}
		if r.ctx.Err() != nil {
			return err
		}
		if expiredLink(err) && r.refreshVideo(gen) {
			continue
		}
		switch classify(err) {
		case classChanged, classDisk, classFatal:
			return err
		}
		if !r.backoff(err, attempt) {
			return err
		}
		attempt++
	}
}

// refreshVideo fetches the playlist again and takes the current links of
// the units, matched by media sequence number. It reports false when the
// links cannot be renewed (too many refreshes, or the playlist no longer
// lists the same units).
func (r *run) refreshVideo(gen int) bool {
	t := r.t
	v := r.video
	v.refreshMu.Lock()
	defer v.refreshMu.Unlock()
	t.mu.Lock()
	current := v.gen
	rec := t.rec.Video.clone()
	t.mu.Unlock()
	if current != gen {
		return true // another connection renewed them meanwhile
	}
	if v.refreshes >= maxRefreshes {
		return false
	}
	v.refreshes++
	plan, err := r.reloadVideo(rec)
	if err != nil {
		t.mu.Lock()
		t.logLocked("Fetching the playlist again failed: " + Sentence(err))
		t.mu.Unlock()
		return false
	}
	units := planUnits(plan.media)
	if !sameUnits(rec, units) {
		t.mu.Lock()
		t.logLocked("The playlist fetched again lists other segments; the expired links cannot be renewed.")
		t.mu.Unlock()
		return false
	}
	t.mu.Lock()
	v.units = units
	v.gen++
	t.logLocked("Segment links expired; fetched the playlist again for fresh ones.")
	t.mu.Unlock()
	return true
}

// unitFile is the staging file of unit i.
func unitFile(dir string, i int) string {
	return filepath.Join(dir, fmt.Sprintf("%06d.seg", i))
}

// fetchUnit downloads unit i into the staging folder, decrypting it when
// it has a key: written to a temporary file, synced, renamed, the folder
// synced, and only then marked done in the record.
func (r *run) fetchUnit(i int) error {
	t := r.t
	v := r.video
	t.mu.Lock()
	u := v.units[i]
	t.mu.Unlock()
	if u.gap {
		return r.unitDone(i, 0)
	}
	var key []byte
	if u.key != nil {
		var err error
		if key, err = v.keys.get(r.ctx, u.key.URI); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithCancelCause(r.ctx)
	defer cancel(nil)
	watchdog := time.AfterFunc(StallTimeout, func() { cancel(ErrNoProgress) })
	defer watchdog.Stop()
	body, err := r.openUnit(ctx, u)
	if err != nil {
		return causeOf(ctx, fmt.Errorf("segment %d: %w", u.seq, err))
	}
	defer body.Close()

	tmp := unitFile(v.dir, i) + ".tmp"
	fsys := r.t.m.fs
	f, err := createFresh(fsys, tmp)
	if err != nil {
		return diskError("create segment file", err)
	}
	defer func() {
		if f != nil {
			f.Close()
		}
	}()
	out := &countWriter{w: &fileWriter{f: f}}
	var w io.Writer = out
	var dec *hls.Decrypter
	if key != nil {
		if dec, err = hls.NewDecrypter(out, key, hls.IV(u.key, u.seq)); err != nil {
			return playlistError(err)
		}
		w = dec
	}
	if err := r.copyUnit(ctx, i, w, body, watchdog); err != nil {
		return causeOf(ctx, fmt.Errorf("segment %d: %w", u.seq, err))
	}
	if dec != nil {
		if err := dec.Close(); err != nil {
			if errors.Is(err, hls.ErrBadPadding) {
				return playlistError(fmt.Errorf("segment %d: %w", u.seq, err))
			}
			return diskError("write segment file", err)
		}
	}
	if err := f.Sync(); err != nil {
		return diskError("sync segment file", err)
	}
	err = f.Close()
	f = nil
	if err != nil {
		return diskError("close segment file", err)
	}
	if err := replaceFile(fsys, tmp, unitFile(v.dir, i)); err != nil {
		return diskError("rename segment file", err)
	}
	if err := fsys.SyncDir(v.dir); err != nil {
		return diskError("sync staging folder", err)
	}
	return r.unitDone(i, out.n)
}

// unitDone records that unit i is on disk with n bytes.
func (r *run) unitDone(i int, n int64) error {
	t := r.t
	t.mu.Lock()
	rec := t.rec.Video.clone()
	rec.Done[i] = n
	t.rec.Video = rec
	r.video.dirty = true
	t.mu.Unlock()
	return nil
}

// openUnit requests the unit (its sub-range when it has one) and returns
// a body of exactly its bytes. A server that ignores the range gets its
// leading bytes skipped.
func (r *run) openUnit(ctx context.Context, u unit) (io.ReadCloser, error) {
	req, err := newRequest(ctx, u.uri, r.hdr, r.ua)
	if err != nil {
		return nil, err
	}
	if u.rng != nil {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(u.rng.Offset, 10)+"-"+strconv.FormatInt(u.rng.Offset+u.rng.Length-1, 10))
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, err
	}
	switch {
	case u.rng == nil && resp.StatusCode == http.StatusOK:
		return resp.Body, nil
	case u.rng != nil && resp.StatusCode == http.StatusPartialContent:
		start, _, _, perr := parseContentRange(resp.Header.Get("Content-Range"))
		if perr != nil || start != u.rng.Offset {
			drain(resp)
			return nil, fmt.Errorf("bad Content-Range %q: %w", resp.Header.Get("Content-Range"), ErrBadResponse)
		}
		return newExactBody(resp.Body, u.rng.Length), nil
	case u.rng != nil && resp.StatusCode == http.StatusOK:
		if _, err := io.CopyN(io.Discard, resp.Body, u.rng.Offset); err != nil {
			resp.Body.Close()
			return nil, err
		}
		return newExactBody(resp.Body, u.rng.Length), nil
	}
	return nil, statusError(resp)
}

// exactBody is a response body cut to n bytes that fails with
// io.ErrUnexpectedEOF when fewer come.
type exactBody struct {
	io.Closer
	r    io.Reader
	left int64
}

func newExactBody(body io.ReadCloser, n int64) *exactBody {
	return &exactBody{Closer: body, r: io.LimitReader(body, n), left: n}
}

func (e *exactBody) Read(p []byte) (int, error) {
	k, err := e.r.Read(p)
	e.left -= int64(k)
	if errors.Is(err, io.EOF) && e.left > 0 {
		err = io.ErrUnexpectedEOF
	}
	return k, err
}

// copyUnit streams body into w under the task's and the global speed
// limits, counting received bytes for the speed meter and the snapshot.
func (r *run) copyUnit(ctx context.Context, i int, w io.Writer, body io.Reader, watchdog *time.Timer) error {
	t := r.t
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp
	limiters := [...]*rate.Limiter{t.limiter, t.m.global}
	counted := false
	defer func() {
		if counted {
			t.mu.Lock()
			t.conns--
			t.mu.Unlock()
		}
	}()
	for {
		n := min(len(buf), chunkFor(limiters[:]...))
		watchdog.Reset(StallTimeout)
		k, rerr := body.Read(buf[:n])
		if k > 0 {
			if !counted {
				counted = true
				t.mu.Lock()
				t.conns++
				r.serverFail = 0
				t.mu.Unlock()
				t.setPhase(PhaseDownloading, "")
			}
			if err := pay(ctx, k, limiters[:]...); err != nil {
				return err
			}
			if _, err := w.Write(buf[:k]); err != nil {
				return diskError("write segment file", err)
			}
			t.mu.Lock()
			r.video.inflight[i] += int64(k)
			t.mu.Unlock()
			t.received.Add(int64(k))
		}
		if errors.Is(rerr, io.EOF) {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	k, err := c.w.Write(p)
	c.n += int64(k)
	return k, err
}
