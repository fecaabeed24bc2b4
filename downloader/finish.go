package downloader

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
)

// The end of a download: verify, then rename. (Making bytes durable
// on the way is checkpoint.go.)

// finish verifies the file and gives it its final name. Once it returns
// nil the download is complete whatever stopped the run meanwhile: the
// caller records it so (see Manager.finished).
func (r *run) finish() error {
	t := r.t
	t.setPhase(PhaseVerifying, "")
	t.mu.Lock()
	size := t.rec.Size
	done := doneBytes(t.segmentsLocked())
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
	if err := r.verify(); err != nil {
		return err
	}
	return r.rename()
}

// rename gives the verified part file its final name. The name is
// recorded first (Target), and the folder synced after, so that whatever
// happens between the rename and the Completed record, the next run finds
// the file under a name the record knows and adopts it (see adopt).
func (r *run) rename() error {
	t := r.t
	m := t.m
	t.mu.Lock()
	folder, name := t.rec.Folder, t.rec.Name
	t.mu.Unlock()
	// A file may appear under the chosen name at any moment: never
	// replace it, take the next free name instead.
	var final, note string
	for tries := 0; ; tries++ {
		final, note = m.finalName(t.id, folder, name)
		t.mu.Lock()
		t.rec.Target = final
		rec := t.recordLocked()
		t.mu.Unlock()
		if err := m.store.PutTask(rec); err != nil {
			return fmt.Errorf("save task: %w", err)
		}
		err := m.fs.Rename(r.part, filepath.Join(folder, final))
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) || tries >= 100 {
			return fmt.Errorf("rename to final name: %w", err)
		}
	}
	// The Completed record must not reach the disk before the new name.
	if err := m.fs.SyncDir(folder); err != nil {
		return err
	}
	t.mu.Lock()
	if note != "" {
		t.logLocked(note)
	}
	t.rec.Name = final
	t.mu.Unlock()
	return nil
}

// adoptable reports whether a run whose part file is gone finds the
// finished file instead: the record says every byte is done and the
// recorded final name holds a regular file of the recorded size that is
// the part file renamed (same identity), when identities are known.
func (r *run) adoptable() (string, bool) {
	t := r.t
	t.mu.Lock()
	folder, name, target, size := t.rec.Folder, t.rec.Name, t.rec.Target, t.rec.Size
	segs, id := t.rec.Segments, t.rec.PartID
	t.mu.Unlock()
	if size < 0 || doneBytes(segs) != size || !validSegments(segs, size) {
		return "", false
	}
	if target == "" {
		target = name
	}
	path := filepath.Join(folder, target)
	fi, err := t.m.fs.Stat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != size {
		return "", false
	}
	if same, err := samePart(t.m.fs, path, id); err != nil || !same {
		return "", false
	}
	return target, true
}

// adopt completes a run whose file was renamed by an earlier run that
// stopped before recording it: re-verified when a checksum is known,
// never downloaded again.
func (r *run) adopt(final string) error {
	t := r.t
	t.setPhase(PhaseVerifying, "")
	t.mu.Lock()
	folder, sum := t.rec.Folder, t.rec.Options.Checksum
	t.mu.Unlock()
	path := filepath.Join(folder, final)
	if !sum.IsZero() {
		if err := verifyFile(t.m.fs, path, sum); err != nil {
			return err
		}
	}
	if err := t.m.fs.SyncDir(folder); err != nil {
		return err
	}
	t.mu.Lock()
	t.logLocked("The file was already complete; it was kept, not downloaded again.")
	t.rec.Name = final
	t.mu.Unlock()
	return nil
}

// verifyFile checks the file at path against "ALGO=HEX".
func verifyFile(fsys FileSystem, path string, c Checksum) error {
	f, err := fsys.OpenRead(path)
	if err != nil {
		return fmt.Errorf("open for checksum: %w", err)
	}
	defer f.Close()
	return c.Verify(f)
}
