//go:build linux || darwin || freebsd || netbsd || openbsd

package downloader

import "syscall"

// freeSpace is the bytes an unprivileged user may still write in dir.
func freeSpace(dir string) (uint64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return uint64(st.Bavail) * uint64(st.Bsize), true
}
