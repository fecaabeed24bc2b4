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

// syncDir makes the entries of dir (a created or renamed file) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync folder: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
			// Some network and FUSE file systems cannot sync a
			// directory; their entries are as durable as they get.
			return nil
		}
		return fmt.Errorf("sync folder: %w", err)
	}
	return nil
}
