package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
)

// panicError is a panic bbolt raised on a damaged file.
type panicError struct{ v any }

func (e *panicError) Error() string { return fmt.Sprintf("bbolt failed reading it: %v", e.v) }

// tryOpen opens path with bbolt and checks that it reads. It separates
// damage, which moving the file aside cures (not a bbolt file, truncated,
// bad pages), from err, which it would not (locked, permissions, disk
// errors), so a healthy file is never moved aside because of its
// surroundings. bdb is non-nil only when both are nil.
func tryOpen(path string, opts *bolt.Options) (bdb *bolt.DB, damage, err error) {
	var f *os.File
	o := *opts
	o.OpenFile = func(name string, flag int, perm os.FileMode) (*os.File, error) {
		fh, err := os.OpenFile(name, flag, perm)
		f = fh
		return fh, err
	}
	bdb, err = openGuarded(path, &o)
	var pe *panicError
	switch {
	case err == nil:
	case errors.Is(err, bolt.ErrTimeout):
		// bbolt takes the lock before reading anything, so a locked file
		// is never judged damaged.
		return nil, nil, ErrLocked
	case errors.As(err, &pe):
		// bbolt.Open did not get to close the file; closing it drops the
		// lock. The mapping leaks, once, for a file we are abandoning.
		if f != nil {
			f.Close()
		}
		return nil, err, nil
	case isOSError(err):
		return nil, nil, err
	default:
		return nil, err, nil
	}
	if damage := verify(bdb); damage != nil {
		closeGuarded(bdb)
		return nil, damage, nil
	}
	return bdb, nil, nil
}

func isOSError(err error) bool {
	var pe *fs.PathError
	var errno syscall.Errno
	return errors.As(err, &pe) || errors.As(err, &errno)
}

func openGuarded(path string, opts *bolt.Options) (bdb *bolt.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			bdb, err = nil, &panicError{r}
		}
	}()
	defer faultsPanic()()
	return bolt.Open(path, 0o600, opts)
}

func closeGuarded(bdb *bolt.DB) {
	defer func() { _ = recover() }()
	defer faultsPanic()()
	bdb.Close()
}

// verify reads every key and value once so damage shows now, where it can
// be cured by moving the file aside, rather than as a crash later. It costs
// a few milliseconds for thousands of tasks.
func verify(bdb *bolt.DB) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{r}
		}
	}()
	defer faultsPanic()()
	fi, err := os.Stat(bdb.Path())
	if err != nil {
		return err
	}
	var sink byte
	err = bdb.View(func(tx *bolt.Tx) error {
		// bbolt grows the file before writing past its end, so a high-water
		// mark beyond the end means the file was cut short.
		if tx.Size() > fi.Size() {
			return fmt.Errorf("file is truncated: %d bytes, needs %d", fi.Size(), tx.Size())
		}
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if b == nil {
				return fmt.Errorf("top-level key %q is not a bucket", name)
			}
			sink ^= walk(b)
			return nil
		})
	})
	runtime.KeepAlive(sink)
	return err
}

// walk touches the first and last byte of every value below b: a value on
// overflow pages past the end of the file only faults when read.
func walk(b *bolt.Bucket) (sink byte) {
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if v == nil {
			if nb := b.Bucket(k); nb != nil {
				sink ^= walk(nb)
			}
			continue
		}
		if len(v) > 0 {
			sink ^= v[0] ^ v[len(v)-1]
		}
	}
	return sink
}

// moveAside renames path to "<path>.broken-<UTC time>", adding "-2", "-3"…
// if an earlier recovery in the same second took the name. Open syncs the
// directory afterwards, together with the new file's entry.
func moveAside(path string, now time.Time) (string, error) {
	base := path + ".broken-" + now.UTC().Format("20060102T150405Z")
	dst := base
	for i := 2; ; i++ {
		_, err := os.Lstat(dst)
		if errors.Is(err, fs.ErrNotExist) {
			break
		}
		if err != nil {
			return "", err
		}
		dst = fmt.Sprintf("%s-%d", base, i)
	}
	if err := os.Rename(path, dst); err != nil {
		return "", err
	}
	return dst, nil
}

// syncDir makes renames and creations in dir durable.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		// Directories cannot be fsynced there; NTFS journals the entries.
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", filepath.Base(dir), err)
	}
	return nil
}
