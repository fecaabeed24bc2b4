package downloader

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// datasync is fdatasync: the data and the size, without touching times.
func datasync(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if err != syscall.EINTR {
			return err
		}
	}
}

// StartWriteback asks the kernel to begin writing the range [off, off+n)
// out now (n = 0: to the file's end; sync_file_range(2)); it does not
// wait, and a failure only means the next sync does the work.
func (p osPart) StartWriteback(off, n int64) {
	_ = unix.SyncFileRange(int(p.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE)
}
