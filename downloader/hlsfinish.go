package downloader

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
)

// The staging folder of a video task and its finish: the units joined in
// order into one file, synced, renamed to the final name, and the staging
// folder removed only after the rename.

// stagingMarker marks a folder as a video task's staging folder, so only
// such folders are ever removed whole.
const stagingMarker = ".haul-video"

// joinedName is the joined file inside the staging folder, before its
// rename.
const joinedName = "joined.part"

// makeStaging creates the staging folder and its marker; fs.ErrExist when
// the folder exists.
func makeStaging(fsys FileSystem, dir string) error {
	if err := fsys.Mkdir(dir); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fs.ErrExist
		}
		return diskError("create staging folder", err)
	}
	return writeMarker(fsys, dir)
}

func writeMarker(fsys FileSystem, dir string) error {
	f, err := createFresh(fsys, filepath.Join(dir, stagingMarker))
	if err != nil {
		return diskError("create staging marker", err)
	}
	return f.Close()
}

// removeStaging deletes path when it is a staging folder.
func removeStaging(fsys FileSystem, path string) {
	if _, err := fsys.Stat(filepath.Join(path, stagingMarker)); err == nil {
		_ = fsys.RemoveAll(path)
	}
}

// checkStaging makes sure the staging folder of rec exists and that every
// unit recorded done is there with its recorded size; the others are
// marked not done (rec is the caller's copy). It returns how many were
// lost.
func checkStaging(fsys FileSystem, dir string, rec *VideoRecord) (int, error) {
	if _, err := fsys.Stat(filepath.Join(dir, stagingMarker)); err != nil {
		st, serr := fsys.Stat(dir)
		switch {
		case serr == nil && st.IsDir():
			// Created, then a crash before the marker: ours if empty.
			if ents, _ := fsys.ReadDir(dir); len(ents) > 0 {
				return 0, fmt.Errorf("%s is in the way of the video's staging folder: %w", dir, fs.ErrExist)
			}
			if err := writeMarker(fsys, dir); err != nil {
				return 0, err
			}
		case serr == nil:
			return 0, fmt.Errorf("%s is in the way of the video's staging folder: %w", dir, fs.ErrExist)
		default:
			if err := makeStaging(fsys, dir); err != nil {
				return 0, err
			}
		}
	}
	lost := 0
	for i, d := range rec.Done {
		if d <= 0 {
			continue // not done, or nothing on disk (a gap)
		}
		st, err := fsys.Stat(unitFile(dir, i))
		if err != nil || !st.Mode().IsRegular() || st.Size() != d {
			rec.Done[i] = -1
			lost++
		}
	}
	return lost, nil
}

// finishedBeforeCrash completes a task whose joined file was renamed just
// before Haul stopped: the record names the final file, the joined file
// is gone from the staging folder and the final file exists.
func (r *run) finishedBeforeCrash(rec *VideoRecord, dir string) (bool, error) {
	t := r.t
	fsys := t.m.fs
	if rec.Final == "" || existsIn(fsys, filepath.Join(dir, joinedName)) {
		return false, nil
	}
	t.mu.Lock()
	folder := t.rec.Folder
	t.mu.Unlock()
	st, err := fsys.Stat(filepath.Join(folder, rec.Final))
	if err != nil {
		return false, nil
	}
	_ = fsys.RemoveAll(dir)
	t.mu.Lock()
	t.rec.Name, t.rec.Size = rec.Final, st.Size()
	t.mu.Unlock()
	return true, nil
}

// finishVideo joins the units into the final file.
func (r *run) finishVideo() error {
	t := r.t
	m := t.m
	t.setPhase(PhaseVerifying, "")
	t.mu.Lock()
	rec := t.rec.Video.clone()
	folder, name := t.rec.Folder, t.rec.Name
	sum := t.rec.Options.Checksum
	t.mu.Unlock()
	dir := filepath.Join(folder, name+partSuffix)
	joined := filepath.Join(dir, joinedName)
	size, err := joinUnits(m.fs, dir, rec, joined)
	if err != nil {
		return err
	}
	if !sum.IsZero() {
		if err := verifyFile(m.fs, joined, sum); err != nil {
			// Bad bytes are never kept nor resumed from.
			removeStaging(m.fs, dir)
			t.mu.Lock()
			t.resetLocked()
			t.mu.Unlock()
			return err
		}
	}
	for tries := 0; ; tries++ {
		final, note := m.finalName(t.id, folder, name)
		// Recorded first: a crash right after the rename is recognised.
		t.mu.Lock()
		rec.Final = final
		t.rec.Video = rec.clone()
		saved := t.recordLocked()
		t.mu.Unlock()
		if err := m.store.PutTask(saved); err != nil {
			return fmt.Errorf("save task: %w", err)
		}
		err := m.fs.Rename(joined, filepath.Join(folder, final))
		if errors.Is(err, fs.ErrExist) && tries < 100 {
			continue
		}
		if err != nil {
			return fmt.Errorf("rename to final name: %w", err)
		}
		if err := m.fs.SyncDir(folder); err != nil {
			return diskError("sync folder", err)
		}
		t.mu.Lock()
		if note != "" {
			t.logLocked(note)
		}
		t.rec.Name, t.rec.Size = final, size
		t.mu.Unlock()
		break
	}
	// Inside the staging folder, so a crash midway leaves nothing behind.
	r.remux(dir)
	if err := m.fs.RemoveAll(dir); err != nil {
		t.mu.Lock()
		t.logLocked("Could not remove the segment folder " + dir + ": " + err.Error())
		t.mu.Unlock()
	}
	return nil
}

// joinUnits writes the units of rec from dir, in order, into path and
// syncs it. It returns the joined size.
func joinUnits(fsys FileSystem, dir string, rec *VideoRecord, path string) (int64, error) {
	f, err := createFresh(fsys, path)
	if err != nil {
		return 0, diskError("create joined file", err)
	}
	defer f.Close()
	out := &fileWriter{f: f}
	var total int64
	for i, d := range rec.Done {
		if d <= 0 {
			continue // gaps and empty units add nothing
		}
		n, err := appendFile(fsys, out, unitFile(dir, i))
		if err != nil {
			return 0, err
		}
		if n != d {
			return 0, fmt.Errorf("segment file %d holds %d bytes, %d recorded: %w", i, n, d, ErrSizeMismatch)
		}
		total += n
	}
	if err := f.Sync(); err != nil {
		return 0, diskError("sync joined file", err)
	}
	if err := f.Close(); err != nil {
		return 0, diskError("close joined file", err)
	}
	return total, nil
}

func appendFile(fsys FileSystem, out io.Writer, path string) (int64, error) {
	in, err := fsys.OpenRead(path)
	if err != nil {
		return 0, fmt.Errorf("open segment file: %w", err)
	}
	defer in.Close()
	n, err := io.Copy(out, in)
	if err != nil {
		return n, diskError("join segments", err)
	}
	return n, nil
}
