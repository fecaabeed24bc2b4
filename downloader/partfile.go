package downloader

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// partSuffix marks a file that is still being downloaded.
const partSuffix = ".part"

// ErrPartReplaced: the file at name.part is not the one this task wrote
// (a symbolic link, or another file put in its place). Its bytes are
// never resumed from nor written through.
var ErrPartReplaced = errors.New("the partial file was replaced by another file")

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

// FileSystem is every file-system operation the engine does on a
// download folder; the default is the operating system's (OSFileSystem).
// Tests inject faults here: a rename that fails once, a stop between the
// rename and the record, a planted link.
type FileSystem interface {
	// OpenPart opens path for writing, creating it when create is set and
	// failing with fs.ErrExist if it then already exists. It never follows
	// a symbolic link at path (O_NOFOLLOW where the platform has it).
	OpenPart(path string, create bool) (PartFile, error)
	// Rename moves from to to, failing with fs.ErrExist instead of
	// replacing a file already at to.
	Rename(from, to string) error
	// OpenRead opens path for reading (the checksum pass).
	OpenRead(path string) (io.ReadCloser, error)
	// Remove deletes path (a link itself, never its target).
	Remove(path string) error
	// Stat describes path without following a symbolic link (lstat).
	Stat(path string) (fs.FileInfo, error)
	// SyncDir makes the creations and renames in dir durable. A no-op
	// where directories cannot be synced (Windows: NTFS journals them).
	SyncDir(dir string) error
	// Identity names the file at path so that a different file put in its
	// place is told apart: "dev:inode" on Unix, volume serial and file
	// index on Windows. It does not follow a symbolic link. "" with a nil
	// error means the platform cannot tell.
	Identity(path string) (string, error)
	// MkdirAll creates dir and the folders above it that are missing
	// (a download folder).
	MkdirAll(dir string) error
	// Mkdir creates dir alone, failing with fs.ErrExist when something is
	// there (a video's staging folder, which must be new to be ours).
	Mkdir(dir string) error
	// ReadDir lists dir.
	ReadDir(dir string) ([]fs.DirEntry, error)
	// RemoveAll deletes path and everything in it (a staging folder).
	RemoveAll(path string) error
}

// OSFileSystem returns the operating system's FileSystem, for wrapping.
func OSFileSystem() FileSystem { return osFS{} }

// writebackStarter is a PartFile that can start writing a range to disk
// without waiting. Kicking writeback as data arrives keeps the sync at
// each checkpoint, and the one before the rename, short.
type writebackStarter interface {
	// StartWriteback starts writing bytes [off, off+n) out (n = 0: to
	// the file's end) and returns without waiting.
	StartWriteback(off, n int64)
}

type osFS struct{}

type osPart struct{ *os.File }

func (osFS) OpenPart(path string, create bool) (PartFile, error) {
	flag := os.O_RDWR | oNoFollow
	if create {
		flag |= os.O_CREATE | os.O_EXCL
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		if isLinkError(err) {
			return nil, fmt.Errorf("open %s: %w", path, ErrPartReplaced)
		}
		return nil, err
	}
	return osPart{f}, nil
}

func (osFS) Rename(from, to string) error                { return renameNoReplace(from, to) }
func (osFS) OpenRead(path string) (io.ReadCloser, error) { return os.Open(path) }
func (osFS) Remove(path string) error                    { return os.Remove(path) }
func (osFS) Stat(path string) (fs.FileInfo, error)       { return os.Lstat(path) }
func (osFS) SyncDir(dir string) error                    { return syncDir(dir) }
func (osFS) Identity(path string) (string, error)        { return fileIdentity(path) }
func (osFS) MkdirAll(dir string) error                   { return os.MkdirAll(dir, 0o755) }
func (osFS) Mkdir(dir string) error                      { return os.Mkdir(dir, 0o755) }
func (osFS) ReadDir(dir string) ([]fs.DirEntry, error)   { return os.ReadDir(dir) }
func (osFS) RemoveAll(path string) error                 { return os.RemoveAll(path) }

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

// samePart reports whether the file at path is still the one whose
// identity was recorded; true when either identity is unknown. Only a
// missing file is an error: one that cannot be identified (a file system
// without the call) is resumed as before identities were recorded.
func samePart(fsys FileSystem, path, recorded string) (bool, error) {
	if recorded == "" {
		return true, nil
	}
	id, err := fsys.Identity(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("identify part file: %w", err)
	}
	return err != nil || id == "" || id == recorded, nil
}
