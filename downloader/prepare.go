package downloader

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sync/atomic"
	"time"
)

// Before the first byte: asking the server, choosing the name, creating
// or reopening the part file.

// probe asks the server about the file, retrying like a connection would.
func (r *run) probe() (*probed, error) {
	t := r.t
	t.setPhase(PhaseProbing, "")
	t.mu.Lock()
	raw := t.rec.URL
	t.mu.Unlock()
	plain := false
	for attempt := 0; ; attempt++ {
		// The path's first delay sample: the final answer's, as a
		// redirect's answers come from other hosts (last one wins).
		var firstByte atomic.Int64
		ctx := withDelaySample(r.ctx, func(d time.Duration) { firstByte.Store(int64(d)) }, r.sampleDial)
		ctx, lastHop := r.withDialAhead(ctx)
		p, err := probe(ctx, r.client, raw, r.hdr, r.ua, plain, t.m.legacyCharset())
		if err == nil {
			r.sampleDelay(time.Duration(firstByte.Load()))
			r.keepAhead(p, lastHop())
			return p, nil
		}
		if !plain && (errors.Is(err, errBare416) || errors.Is(err, errProtocol)) {
			// Once a different way: a GET without Range.
			t.mu.Lock()
			t.logLocked("The server could not answer a range request (" + detail(err) + "); asking for the whole file.")
			t.mu.Unlock()
			plain = true
			continue
		}
		if !r.backoff(err, attempt) {
			return nil, r.t.expiredSigned(raw, err)
		}
	}
}

// create decides the file name, creates and sizes the part file, and
// records the task before any byte is written.
func (r *run) create(p *probed) error {
	folder, name, err := r.clearStalePart(p.name)
	if err != nil {
		return err
	}
	if err := r.t.m.fs.MkdirAll(folder); err != nil {
		return fmt.Errorf("create folder: %w", err)
	}
	f, err := r.createPart(folder, name)
	if err != nil {
		return err
	}
	if err := r.sizePart(f, folder, p.size); err != nil {
		return err
	}
	return r.recordPlan(p)
}

// clearStalePart returns the folder and the wanted name (the record's
// fixed one, else the server's suggestion), after removing
// a part file this task created but never recorded progress for (a crash
// right after creating it): it is ours and holds nothing we claim, and
// left there it would push the download to "name (1)".
func (r *run) clearStalePart(serverSuggested string) (folder, name string, err error) {
	t := r.t
	t.mu.Lock()
	folder, name = t.rec.Folder, t.rec.Name
	if !t.rec.NameFixed || name == "" {
		name = serverName(serverSuggested)
	}
	stale := ""
	if t.rec.PartOwned && t.rec.Name != "" {
		stale = filepath.Join(folder, t.rec.Name+partSuffix)
	}
	t.mu.Unlock()
	if stale != "" {
		if err := t.m.fs.Remove(stale); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", "", fmt.Errorf("remove stale part file: %w", err)
		}
	}
	return folder, name, nil
}

// createPart reserves a free name for name in folder, records it, then
// creates its part file exclusively (another program may take the name
// between the check and the create: then the next free one is tried).
func (r *run) createPart(folder, name string) (PartFile, error) {
	t, m := r.t, r.t.m
	for tries := 0; ; tries++ {
		chosen, note := m.reserveName(t.id, folder, SanitizeName(name))
		if chosen == "" {
			return nil, fmt.Errorf("no free file name for %q in %s: %w", name, folder, ErrNoFreeName)
		}
		// Record the name before the file exists, so a crash in between
		// leaves a part file the next run knows is its own.
		t.mu.Lock()
		t.rec.Name, t.rec.PartOwned = chosen, true
		rec := t.recordLocked()
		t.mu.Unlock()
		if err := m.store.PutTask(rec); err != nil {
			return nil, fmt.Errorf("save task: %w", err)
		}
		f, err := m.fs.OpenPart(filepath.Join(folder, chosen+partSuffix), true)
		if errors.Is(err, fs.ErrExist) && tries < 100 {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("create part file: %w", err)
		}
		r.part = filepath.Join(folder, chosen+partSuffix)
		// A file system that cannot tell (id "" or an error) records
		// no identity: the part is then resumed without that check.
		id, _ := m.fs.Identity(r.part)
		t.mu.Lock()
		if note != "" {
			t.logLocked(note)
		}
		t.rec.Name, t.rec.PartID, t.rec.Target = chosen, id, ""
		t.mu.Unlock()
		return f, nil
	}
}

// sizePart makes the new part file's entry durable and preallocates size
// bytes. On failure the file, created just now and holding nothing, is
// removed: a retry must not see its own leftover as a collision and save
// under "name (1)".
func (r *run) sizePart(f PartFile, folder string, size int64) error {
	m := r.t.m
	err := m.fs.SyncDir(folder) // the record about to claim the file must not outlive its entry
	if err == nil {
		err = preallocate(f, folder, size)
	}
	if err != nil {
		f.Close()
		m.fs.Remove(r.part)
		return err
	}
	r.file = f
	return nil
}

// recordPlan records what the probe learned and the first plan of
// ranges, then announces the task.
func (r *run) recordPlan(p *probed) error {
	t := r.t
	t.mu.Lock()
	t.rec.FinalURL = p.finalURL
	t.rec.Size = p.size
	t.rec.Resumable = p.resumable
	t.rec.ETag, t.rec.LastModified, t.rec.ContentEncoding = p.etag, p.lastModified, p.encoding
	t.rec.Digest = p.digest
	t.setPiecesLocked(initialSegments(p.size))
	r.url = p.finalURL
	r.spec = t.rec.rangeSpec()
	r.limit = t.connLimitLocked()
	rec := t.recordLocked()
	t.mu.Unlock()
	if err := t.m.store.PutTask(rec); err != nil {
		return fmt.Errorf("save task: %w", err)
	}
	t.m.emit(EventChanged, t)
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
	resumable, partID := t.rec.Resumable, t.rec.PartID
	t.mu.Unlock()
	path := filepath.Join(folder, name+partSuffix)
	restart := func(why string) (bool, error) {
		t.mu.Lock()
		t.logLocked(why)
		t.resetLocked()
		t.mu.Unlock()
		if err := t.m.fs.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
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
		if final, ok := r.adoptable(); ok {
			r.adopted = final
			return true, nil
		}
		if doneBytes(segs) > 0 {
			return restart(Sentence(ErrPartMissing))
		}
		return restart("Starting.")
	}
	if errors.Is(err, ErrPartReplaced) {
		return restart(Sentence(ErrPartReplaced))
	}
	if err != nil {
		return false, fmt.Errorf("open part file: %w", err)
	}
	if same, err := samePart(t.m.fs, path, partID); err != nil || !same {
		f.Close()
		if err != nil {
			return false, err
		}
		return restart(Sentence(ErrPartReplaced))
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
