package store

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// backupSuffix names the rolling backup next to the database: the last
// good copy, which a damaged file is rebuilt from where it cannot be read.
const backupSuffix = ".bak"

// BackupEvery is how often a database with new writes is copied to its
// backup while open. It is also copied on Close.
var BackupEvery = 5 * time.Minute

// Backup writes a consistent copy of the database to "<path>.bak": into a
// temporary file, synced, then renamed over the old backup, so a crash
// mid-copy leaves the previous backup whole.
func (db *DB) Backup() error {
	// Pages are copied as they are: a file damaged while open must not
	// replace the last good copy.
	if err := verify(db.bolt); err != nil {
		return wrap("backup", fmt.Errorf("%w (%v)", ErrCorrupt, err))
	}
	tmp := db.path + backupSuffix + ".tmp"
	err := func() (err error) {
		defer catchCorrupt(&err)
		defer faultsPanic()()
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := db.bolt.View(func(tx *bolt.Tx) error {
			_, err := tx.WriteTo(f)
			return err
		}); err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			return err
		}
		return f.Close()
	}()
	if err == nil {
		err = os.Rename(tmp, db.path+backupSuffix)
	}
	if err == nil {
		err = syncDir(filepath.Dir(db.path))
	}
	if err != nil {
		os.Remove(tmp)
		return wrap("backup", err)
	}
	return nil
}

// backups copies the database to its backup every BackupEvery when it
// was written to since the last copy. It runs until stop is closed and
// then closes done; Close owns both.
func (db *DB) backups(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	tick := time.NewTicker(BackupEvery)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			if db.dirty.Swap(false) {
				if err := db.Backup(); err != nil {
					db.dirty.Store(true) // try again next time, and on Close
				}
			}
		}
	}
}
