//go:build unix

package downloader

import (
	"fmt"
	"os"
	"syscall"
)

// lstatIdentity is "dev:inode" of path itself, which a rename keeps and a
// replacement does not (unless the inode number is handed out again).
func lstatIdentity(path string) (string, error) {
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
