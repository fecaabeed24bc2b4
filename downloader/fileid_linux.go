package downloader

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// fileIdentity is "dev:inode:birth" of path itself (not a link's target).
// A rename keeps all three; a replacement gets a new inode or, when the
// freed number is handed out again, a new birth time (where the file
// system records one).
func fileIdentity(path string) (string, error) {
	var st unix.Statx_t
	err := unix.Statx(unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_INO|unix.STATX_BTIME, &st)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) {
		// Kernels before 4.11, or a sandbox that filters statx.
		return lstatIdentity(path)
	}
	if err != nil {
		return "", &os.PathError{Op: "statx", Path: path, Err: err}
	}
	id := fmt.Sprintf("%d:%d", unix.Mkdev(st.Dev_major, st.Dev_minor), st.Ino)
	if st.Mask&unix.STATX_BTIME != 0 {
		id += fmt.Sprintf(":%d.%09d", st.Btime.Sec, st.Btime.Nsec)
	}
	return id, nil
}
