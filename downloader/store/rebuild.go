package store

import (
	"bytes"
	"fmt"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// Recovery describes a file Open could not use, moved aside, and rebuilt
// from: what it salvaged, and what it could not.
type Recovery struct {
	// BrokenPath is where the unusable file now is, next to the new one.
	BrokenPath string
	// Reason is why it was unusable.
	Reason error
	// Kept is how many task records the new file holds: read from the
	// damaged file, or from the backup (FromBackup of them).
	Kept, FromBackup int
	// Lost is how many task records were found but could not be read,
	// counting progress whose record is gone. Unreadable says that some
	// pages could not be read at all, so more may be lost than Lost says.
	Lost       int
	Unreadable bool
}

// Summary is a sentence for the user: what was kept and what was lost.
// Front ends that translate use the fields instead.
func (r *Recovery) Summary() string {
	s := fmt.Sprintf("The task database was damaged (%v). %d downloads were recovered", r.Reason, r.Kept)
	if r.FromBackup > 0 {
		s += fmt.Sprintf(" (%d from the backup)", r.FromBackup)
	}
	switch {
	case r.Lost > 0:
		s += fmt.Sprintf("; %d could not be read", r.Lost)
	case r.Unreadable:
		s += "; some parts of the file could not be read"
	}
	return s + fmt.Sprintf(". The damaged file was kept as %s.", filepath.Base(r.BrokenPath))
}

// salvage reads what it can of the damaged file at path, before it is
// moved aside. A file that cannot even be read salvages nothing.
func salvage(path string) *salvaged {
	s, err := salvageFile(path)
	if err != nil {
		return &salvaged{tasks: map[string][]byte{}, segs: map[string][]byte{}, badPages: 1}
	}
	return s
}

// rebuild writes into the new, empty database every record salvaged from
// the damaged file, then those only the backup (path.bak) has, and fills
// rec's counts. Only records that decode are written, so the new file
// holds nothing the store would refuse to load.
func (db *DB) rebuild(s *salvaged, rec *Recovery) error {
	rec.Unreadable = s.badPages > 0
	var bak *salvaged
	if b, err := salvageFile(db.path + backupSuffix); err == nil {
		bak = b
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		tasks, segs := tx.Bucket(bucketTasks), tx.Bucket(bucketSegments)
		put := func(from *salvaged, id string, rv []byte) (bool, error) {
			if _, err := decodeRecord(id, rv); err != nil {
				return false, nil
			}
			if err := tasks.Put([]byte(id), rv); err != nil {
				return false, err
			}
			// Progress that does not decode is dropped: the task then
			// starts over rather than trust it. Progress lost with a
			// damaged page comes from the backup only when the backup
			// holds the very same record (nothing about the task, its
			// validators or part file, changed since): its claims are
			// then older, so never more than is on disk.
			sv, ok := from.segs[id]
			if !ok && bak != nil && from != bak && bytes.Equal(bak.tasks[id], rv) {
				sv, ok = bak.segs[id]
			}
			if ok {
				if _, err := decodeSegments(sv); err == nil {
					if err := segs.Put([]byte(id), sv); err != nil {
						return false, err
					}
				}
			}
			return true, nil
		}
		for id, rv := range s.tasks {
			ok, err := put(s, id, rv)
			if err != nil {
				return err
			}
			if ok {
				rec.Kept++
			} else if bak == nil || bak.tasks[id] == nil {
				rec.Lost++
			}
		}
		if bak != nil {
			for id, rv := range bak.tasks {
				if tasks.Get([]byte(id)) != nil {
					continue
				}
				ok, err := put(bak, id, rv)
				if err != nil {
					return err
				}
				if ok {
					rec.Kept++
					rec.FromBackup++
				}
			}
		}
		for id := range s.segs {
			if tasks.Get([]byte(id)) == nil && s.tasks[id] == nil {
				rec.Lost++ // progress whose record is gone
			}
		}
		for _, raw := range [][]byte{s.settings, bakSettings(bak)} {
			if raw == nil {
				continue
			}
			if _, err := decodeSettings(raw); err == nil {
				return tx.Bucket(bucketSettings).Put(keySettings, raw)
			}
		}
		return nil
	})
}

func bakSettings(b *salvaged) []byte {
	if b == nil {
		return nil
	}
	return b.settings
}
