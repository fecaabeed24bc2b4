package downloader

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// partSuffix marks a file that is still being downloaded.
const partSuffix = ".part"

// PartFile is the file a task writes into. The engine only needs these
// operations, which lets tests record the order of writes and syncs.
type PartFile interface {
	WriteAt(p []byte, off int64) (int, error)
	// Sync makes every completed WriteAt durable (fdatasync where the
	// platform has it).
	Sync() error
	Truncate(size int64) error
	Stat() (fs.FileInfo, error)
	Close() error
}

// FileSystem opens part files; the default is the operating system's.
type FileSystem interface {
	// OpenPart opens path for writing, creating it when create is set and
	// failing with fs.ErrExist if it then already exists.
	OpenPart(path string, create bool) (PartFile, error)
}

// writebackStarter is a PartFile that can start writing a range to disk
// without waiting. Kicking writeback as data arrives keeps the sync at
// each checkpoint, and the one before the rename, short.
type writebackStarter interface {
	StartWriteback(off, n int64)
}

type osFS struct{}

type osPart struct{ *os.File }

func (osFS) OpenPart(path string, create bool) (PartFile, error) {
	flag := os.O_RDWR
	if create {
		flag |= os.O_CREATE | os.O_EXCL
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return nil, err
	}
	return osPart{f}, nil
}

func (p osPart) Sync() error { return datasync(p.File) }

// preallocate sizes the part file and checks the disk can hold what is
// still missing, so "not enough disk space" is said before the download,
// not in the middle of it.
func preallocate(f PartFile, folder string, size int64) error {
	if size <= 0 {
		return nil
	}
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("stat part file: %w", err)
	}
	need := size - st.Size()
	if need > 0 {
		free, ok := freeSpace(folder)
		if ok && free < uint64(need) {
			return &spaceError{need: need, free: free, folder: folder}
		}
	}
	if err := f.Truncate(size); err != nil {
		return fmt.Errorf("size part file: %w", err)
	}
	return nil
}

// spaceError is ErrNoSpace with the numbers a user needs.
type spaceError struct {
	need   int64
	free   uint64
	folder string
}

func (e *spaceError) Error() string {
	return fmt.Sprintf("%s: %s", ErrNoSpace, e.Detail())
}

func (e *spaceError) Detail() string {
	return fmt.Sprintf("%s needed, %s free in %s", FormatBytes(e.need), FormatBytes(int64(e.free)), e.folder)
}

func (e *spaceError) Unwrap() error { return ErrNoSpace }

// exists reports whether path is taken by anything at all.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil || !errors.Is(err, fs.ErrNotExist)
}
