package downloader

import (
	"errors"
	"io/fs"

	"golang.org/x/sys/unix"
)

// renameNoReplace moves a finished part file to its final name and fails
// with fs.ErrExist instead of replacing a file that appeared there.
func renameNoReplace(from, to string) error {
	err := unix.Renameat2(unix.AT_FDCWD, from, unix.AT_FDCWD, to, unix.RENAME_NOREPLACE)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EEXIST):
		return fs.ErrExist
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOSYS):
		// File systems without RENAME_NOREPLACE: a hard link fails the
		// same way on an existing name.
		return linkThenRemove(from, to)
	}
	return &fs.PathError{Op: "rename", Path: to, Err: err}
}
