// Package atomicfile replaces a file so that a reader, or a crash, sees
// the old file or the new one, never half of one.
package atomicfile

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Write replaces path with what write writes: into a temporary file in
// path's folder (named by pattern, as os.CreateTemp takes it), given mode
// perm, then renamed over path. The folder must exist. On any error the
// temporary file is removed, path is left as it was and the error is
// returned unwrapped (callers say which file).
func Write(path, pattern string, perm fs.FileMode, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), pattern)
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = write(f)
	if err == nil {
		err = f.Chmod(perm)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// WriteBytes is Write of b.
func WriteBytes(path, pattern string, perm fs.FileMode, b []byte) error {
	return Write(path, pattern, perm, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}
