package downloader

import (
	"errors"
	"io/fs"
	"os"
)

// linkThenRemove renames by hard link, which never replaces an existing
// name. Where links are not supported it falls back to a checked rename:
// a file appearing in the instant between check and rename is the only
// case left unguarded.
func linkThenRemove(from, to string) error {
	err := os.Link(from, to)
	if err == nil {
		return os.Remove(from)
	}
	if errors.Is(err, fs.ErrExist) {
		return fs.ErrExist
	}
	if _, serr := os.Lstat(to); serr == nil {
		return fs.ErrExist
	}
	return os.Rename(from, to)
}
