//go:build unix

package downloader

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// oNoFollow makes opening a symbolic link fail (ELOOP) instead of opening
// its target: a link planted at name.part must not receive our bytes.
const oNoFollow = syscall.O_NOFOLLOW

func isLinkError(err error) bool { return errors.Is(err, syscall.ELOOP) }

// fileIdentity is "dev:inode" of path itself (lstat), which a rename keeps
// and a replacement, even of the same size, does not.
func fileIdentity(path string) (string, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return "", err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "", nil
	}
	return fmt.Sprintf("%d:%d", uint64(st.Dev), uint64(st.Ino)), nil
}

// syncDir makes the entries of dir (a created or renamed file) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync folder: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync folder: %w", err)
	}
	return nil
}
