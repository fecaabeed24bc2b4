package downloader

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Making bytes durable, and the end of a download: verify, then rename.

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
