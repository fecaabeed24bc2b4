package downloader

import (
	"errors"
	"fmt"
	"io/fs"
)

// File operations built on the FileSystem seam, so that every file a task
// touches — a file's part, a video's staging folder and its units — goes
// through Config.FS and the faults tests inject there.

// createFresh creates path for writing, replacing what an interrupted
// attempt left there (a unit's .tmp, a joined file): the old file is
// removed, then the new one created exclusively and never through a
// symbolic link (OpenPart).
func createFresh(fsys FileSystem, path string) (PartFile, error) {
	if err := fsys.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return fsys.OpenPart(path, true)
}

// replaceFile renames from to to, replacing a file already at to (a unit
// fetched again after a crash left an unrecorded copy).
func replaceFile(fsys FileSystem, from, to string) error {
	if err := fsys.Remove(to); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return fsys.Rename(from, to)
}

// existsIn reports whether path is taken by anything at all (a link
// counts, whatever it points to).
func existsIn(fsys FileSystem, path string) bool {
	_, err := fsys.Stat(path)
	return err == nil || !errors.Is(err, fs.ErrNotExist)
}

// fileWriter writes a PartFile in order from its start.
type fileWriter struct {
	f   PartFile
	off int64
}

func (w *fileWriter) Write(p []byte) (int, error) {
	n, err := w.f.WriteAt(p, w.off)
	w.off += int64(n)
	return n, err
}

// diskError wraps a file error, as ErrDiskFull when the disk is full.
func diskError(op string, err error) error {
	if classify(err) == classDisk {
		return fmt.Errorf("%s: %w", op, ErrDiskFull)
	}
	return fmt.Errorf("%s: %w", op, err)
}
