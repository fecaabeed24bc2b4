//go:build unix && !linux

package downloader

import (
	"fmt"
	"os"
	"syscall"
)

// fileIdentity is "dev:inode" of path itself (lstat), which a rename keeps
// and a replacement does not.
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
