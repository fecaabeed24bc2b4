package store

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"haul/downloader"
)

// putMany stores n populated records through the API.
func putMany(t *testing.T, db *DB, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		if err := db.PutTask(populated(fmt.Sprintf("task-%06d", i), int64(i))); err != nil {
			t.Fatal(err)
		}
	}
}

// A damaged file is rebuilt from what it still holds and, for the rest,
// from the backup written on the last clean close: nothing in the backup
// is lost, and the Recovery says so.
func TestSalvageWithBackup(t *testing.T) {
	const pageSize = 4096
	for _, tc := range []struct {
		name   string
		damage func(b []byte, f facts) []byte
	}{
		{"one leaf page zeroed", func(b []byte, f facts) []byte {
			clear(b[f.leaf*pageSize : (f.leaf+1)*pageSize])
			return b
		}},
		{"all data pages zeroed", func(b []byte, _ facts) []byte {
			clear(b[2*pageSize:])
			return b
		}},
		{"emptied", func([]byte, facts) []byte { return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "haul.db")
			db, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			putMany(t, db, 0, 120)
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path + backupSuffix); err != nil {
				t.Fatalf("no backup after a clean close: %v", err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, tc.damage(b, inspect(t, path)), 0o600); err != nil {
				t.Fatal(err)
			}
			db = openT(t, path)
			rec := db.Recovered()
			if rec == nil {
				t.Fatal("damage not detected")
			}
			t.Logf("%s", rec.Summary())
			recs, err := db.LoadTasks()
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 120 || rec.Kept != 120 || rec.Lost != 0 {
				t.Fatalf("%d records back, Recovery kept %d lost %d; want all 120", len(recs), rec.Kept, rec.Lost)
			}
			for _, r := range recs {
				if !reflect.DeepEqual(r, populated(r.ID, r.Order)) {
					t.Fatalf("record %s differs from the one written:\n got %+v\nwant %+v", r.ID, r, populated(r.ID, r.Order))
				}
			}
		})
	}
}

// Without a backup, salvage keeps every record on a readable page and
// counts the ones it found but could not read.
func TestSalvageCountsLost(t *testing.T) {
	path := filepath.Join(t.TempDir(), "haul.db")
	populate(t, path, 300)
	os.Remove(path + backupSuffix)
	b, _ := os.ReadFile(path)
	// Damage one byte inside the value of one record: the page stays
	// readable, the record does not decode.
	needle := []byte(`"id":"task-000123"`)
	at := indexOf(b, needle)
	if at < 0 {
		t.Fatal("record not found in the file")
	}
	b[at+2] = 0xff
	// Both meta pages' checksums too: bbolt refuses the file, and salvage
	// cannot follow the tree, so it scans every page.
	b[16+56] ^= 0xff
	b[4096+16+56] ^= 0xff
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	db := openT(t, path)
	rec := db.Recovered()
	if rec == nil {
		t.Fatal("damage not detected")
	}
	t.Logf("%s", rec.Summary())
	recs, _ := db.LoadTasks()
	if len(recs) != rec.Kept {
		t.Fatalf("%d records, Recovery says %d", len(recs), rec.Kept)
	}
	if rec.Kept+rec.Lost != 300 || rec.Lost < 1 {
		t.Fatalf("kept %d + lost %d, want 300 with task-000123 lost", rec.Kept, rec.Lost)
	}
	for _, r := range recs {
		if r.ID == "task-000123" {
			t.Fatal("a damaged record was kept")
		}
	}
}

func indexOf(b, sub []byte) int {
	for i := 0; i+len(sub) <= len(b); i++ {
		if string(b[i:i+len(sub)]) == string(sub) {
			return i
		}
	}
	return -1
}

// The backup is written through a temporary file and holds what the
// database held.
func TestBackupIsACopy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "haul.db")
	db := openT(t, path)
	putMany(t, db, 0, 3)
	if err := db.PutSettings(downloader.DefaultSettings("/x")); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + backupSuffix + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("temporary file left behind: %v", err)
	}
	bak := openT(t, path+backupSuffix)
	recs, err := bak.LoadTasks()
	if err != nil || len(recs) != 3 {
		t.Fatalf("backup holds %d records, %v", len(recs), err)
	}
	if _, ok, err := bak.LoadSettings(); !ok || err != nil {
		t.Fatalf("backup lacks the settings: %v", err)
	}
}

// With few records the buckets live inline in the root page; the scan
// that runs when no meta page checks out must find them there too.
func TestSalvageInlineBuckets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "haul.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	putMany(t, db, 0, 1)
	db.Close()
	os.Remove(path + backupSuffix)
	b, _ := os.ReadFile(path)
	b[16+56] ^= 0xff
	b[4096+16+56] ^= 0xff
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	db = openT(t, path)
	if rec := db.Recovered(); rec == nil || rec.Kept != 1 {
		t.Fatalf("recovery %+v, want the one record kept", rec)
	}
	recs, _ := db.LoadTasks()
	if len(recs) != 1 || !reflect.DeepEqual(recs[0], populated(recs[0].ID, recs[0].Order)) {
		t.Fatalf("records %+v", recs)
	}
}

// FuzzSalvage: a damaged file is untrusted input; reading it must never
// panic, and what it finds goes through the decoders (rebuild keeps only
// what decodes) without panicking either.
func FuzzSalvage(f *testing.F) {
	path := filepath.Join(f.TempDir(), "haul.db")
	db, err := Open(path, Options{})
	if err != nil {
		f.Fatal(err)
	}
	for i := range 5 {
		if err := db.PutTask(populated(fmt.Sprintf("task-%06d", i), int64(i))); err != nil {
			f.Fatal(err)
		}
	}
	db.Close()
	good, _ := os.ReadFile(path)
	f.Add(good, 0, byte(0))
	f.Add(good, 4096+16, byte(0xff))
	f.Add(good[:5000], 100, byte(1))
	f.Fuzz(func(t *testing.T, b []byte, at int, x byte) {
		b = bytes.Clone(b)
		if len(b) > 0 {
			b[(at%len(b)+len(b))%len(b)] ^= x
		}
		s := salvageBytes(b)
		for id, rv := range s.tasks {
			_, _ = decodeRecord(id, rv)
		}
		for _, sv := range s.segs {
			_, _ = decodeSegments(sv)
		}
		if s.badPages < 0 {
			t.Fatal("negative count of bad pages")
		}
	})
}
