package store

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"haul/downloader"
)

func openT(t testing.TB, path string) *DB {
	t.Helper()
	db, err := Open(path, Options{Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// sampleRecord is a fully populated record with times that survive JSON
// unchanged (UTC, no monotonic reading), so DeepEqual works.
func sampleRecord(id string, order int64) downloader.TaskRecord {
	created := time.Date(2026, 11, 25, 20, 30, 0, 123456789, time.UTC)
	return downloader.TaskRecord{
		Version:  downloader.RecordVersion,
		ID:       id,
		URL:      "https://example.com/files/" + id + ".iso",
		FinalURL: "https://cdn.example.com/" + id + ".iso",
		Folder:   "/home/u/Downloads",
		Name:     id + ".iso",
		Options: downloader.Options{
			Connections: 8,
			SpeedLimit:  1 << 20,
			Checksum:    downloader.Checksum{Algo: "sha256", Sum: make([]byte, 32)},
			Headers:     http.Header{"Cookie": {"a=b"}, "Referer": {"https://example.com/"}},
		},
		Size:         4 << 30,
		ETag:         `"abc"`,
		LastModified: "Wed, 25 Nov 2026 20:30:00 GMT",
		Resumable:    true,
		State:        downloader.StatePaused,
		Error:        "connection reset",
		Log:          []downloader.LogEntry{{Time: created.Add(time.Minute), Text: "retrying"}},
		Order:        order,
		Created:      created,
		Segments: []downloader.Segment{
			{Start: 0, End: 1 << 30, Done: 12345},
			{Start: 1 << 30, End: 4 << 30, Done: 0},
		},
	}
}

func TestRoundTrip(t *testing.T) {
	minimal := downloader.TaskRecord{Version: downloader.RecordVersion, ID: "m", State: downloader.StateQueued, Order: 5}
	unknownSize := sampleRecord("u", 2)
	unknownSize.Size = -1
	unknownSize.Segments = []downloader.Segment{{Start: 0, End: -1, Done: 777}}
	unstamped := sampleRecord("z", 9)
	unstamped.Version = 0 // the store stamps the version itself

	tests := []struct {
		name string
		recs []downloader.TaskRecord
	}{
		{"empty", nil},
		{"minimal", []downloader.TaskRecord{minimal}},
		{"full", []downloader.TaskRecord{sampleRecord("a", 1)}},
		{"unknown size", []downloader.TaskRecord{unknownSize}},
		{"unstamped version", []downloader.TaskRecord{unstamped}},
		{"ordered by Order then ID", []downloader.TaskRecord{
			sampleRecord("c", 3), sampleRecord("b", 1), sampleRecord("a", 1), minimal,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "haul.db")
			db := openT(t, path)
			for _, r := range tt.recs {
				if err := db.PutTask(r); err != nil {
					t.Fatalf("PutTask(%s): %v", r.ID, err)
				}
			}
			db.Close()
			db = openT(t, path) // a restart, not a cache
			got, err := db.LoadTasks()
			if err != nil {
				t.Fatalf("LoadTasks: %v", err)
			}
			want := make([]downloader.TaskRecord, 0, len(tt.recs))
			for _, r := range tt.recs {
				r.Version = downloader.RecordVersion
				want = append(want, r)
			}
			sortRecords(want)
			if (len(got) != 0 || len(want) != 0) && !reflect.DeepEqual(got, want) {
				t.Errorf("LoadTasks mismatch\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func sortRecords(rs []downloader.TaskRecord) {
	for i := range rs {
		for j := i + 1; j < len(rs); j++ {
			if rs[j].Order < rs[i].Order || rs[j].Order == rs[i].Order && rs[j].ID < rs[i].ID {
				rs[i], rs[j] = rs[j], rs[i]
			}
		}
	}
}

func TestPutSegments(t *testing.T) {
	db := openT(t, filepath.Join(t.TempDir(), "haul.db"))
	rec := sampleRecord("a", 0)
	if err := db.PutTask(rec); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		id      string
		segs    []downloader.Segment
		wantErr error
		want    []downloader.Segment
	}{
		{"update", "a", []downloader.Segment{sg(0, 100, 100), sg(100, 200, 50)}, nil, []downloader.Segment{sg(0, 100, 100), sg(100, 200, 50)}},
		{"more segments", "a", []downloader.Segment{sg(0, 50, 50), sg(50, 100, 10), sg(100, 200, 50)}, nil, []downloader.Segment{sg(0, 50, 50), sg(50, 100, 10), sg(100, 200, 50)}},
		{"invalid is refused, old kept", "a", []downloader.Segment{sg(0, 10, 11)}, ErrBadSegments, []downloader.Segment{sg(0, 50, 50), sg(50, 100, 10), sg(100, 200, 50)}},
		{"missing task", "nope", []downloader.Segment{sg(0, 1, 0)}, downloader.ErrNotFound, []downloader.Segment{sg(0, 50, 50), sg(50, 100, 10), sg(100, 200, 50)}},
		{"empty id", "", nil, ErrNoID, []downloader.Segment{sg(0, 50, 50), sg(50, 100, 10), sg(100, 200, 50)}},
		{"nil clears", "a", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.PutSegments(tt.id, tt.segs)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("PutSegments err = %v, want %v", err, tt.wantErr)
			}
			recs, err := db.LoadTasks()
			if err != nil || len(recs) != 1 {
				t.Fatalf("LoadTasks = %d records, %v", len(recs), err)
			}
			if !reflect.DeepEqual(recs[0].Segments, tt.want) {
				t.Errorf("segments = %v, want %v", recs[0].Segments, tt.want)
			}
			if recs[0].URL != rec.URL {
				t.Errorf("PutSegments changed the record: %+v", recs[0])
			}
		})
	}
}

func TestPutTaskRefuses(t *testing.T) {
	db := openT(t, filepath.Join(t.TempDir(), "haul.db"))
	badSegs := sampleRecord("s", 0)
	badSegs.Segments = []downloader.Segment{{Start: -1, End: 10}}
	tests := []struct {
		name string
		rec  downloader.TaskRecord
		want error
	}{
		{"no id", downloader.TaskRecord{URL: "x"}, ErrNoID},
		{"broken", downloader.TaskRecord{ID: "b", Broken: "damaged"}, downloader.ErrBrokenRecord},
		{"bad segments", badSegs, ErrBadSegments},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := db.PutTask(tt.rec); !errors.Is(err, tt.want) {
				t.Errorf("PutTask err = %v, want %v", err, tt.want)
			}
		})
	}
	if recs, _ := db.LoadTasks(); len(recs) != 0 {
		t.Errorf("refused records were written: %+v", recs)
	}
}

// rawPut writes v under key in bucket with bbolt directly, as damage or a
// newer Haul would.
func rawPut(t *testing.T, path string, bucket, key string, v []byte) {
	t.Helper()
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	err = bdb.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucket))
		if err != nil {
			return err
		}
		return b.Put([]byte(key), v)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBrokenRecords(t *testing.T) {
	good, _ := encodeRecord(sampleRecord("x", 0))
	tests := []struct {
		name   string
		bucket string
		value  []byte
		want   string // substring of Broken
	}{
		{"garbage", "tasks", []byte("\x00\xffnot json"), "damaged data"},
		{"truncated json", "tasks", good[:len(good)/2], "damaged data"},
		{"empty", "tasks", []byte{}, "damaged data"},
		{"newer version", "tasks", []byte(`{"v":99,"id":"k","url":"https://x"}`), "newer version of Haul"},
		{"newer version, other shape", "tasks", []byte(`{"v":2,"id":"k","options":"compact"}`), "newer version of Haul"},
		{"no version", "tasks", []byte(`{"id":"k"}`), "no valid version"},
		{"no id", "tasks", []byte(`{"v":1,"url":"https://x"}`), "no task ID"},
		{"someone else's id", "tasks", []byte(`{"v":1,"id":"other"}`), "another task"},
		{"bad segments", "segments", []byte{1, 200}, "progress"},
		{"segments claim too much", "segments", []byte{segFormatNoCRC, 1, 0, 20, 40}, "claims"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "haul.db")
			db := openT(t, path)
			for _, r := range []downloader.TaskRecord{sampleRecord("a", 1), sampleRecord("k", 2), sampleRecord("z", 3)} {
				if err := db.PutTask(r); err != nil {
					t.Fatal(err)
				}
			}
			db.Close()
			rawPut(t, path, tt.bucket, "k", tt.value)
			db = openT(t, path)
			recs, err := db.LoadTasks()
			if err != nil {
				t.Fatalf("LoadTasks: %v", err)
			}
			if len(recs) != 3 {
				t.Fatalf("got %d records, want 3: %+v", len(recs), recs)
			}
			var brokenRec *downloader.TaskRecord
			for i, r := range recs {
				if r.ID == "k" {
					brokenRec = &recs[i]
				} else if r.Broken != "" || r.URL == "" || len(r.Segments) != 2 {
					t.Errorf("healthy record %s damaged: %+v", r.ID, r)
				}
			}
			if brokenRec == nil {
				t.Fatal("broken record dropped")
			}
			if !regexp.MustCompile(`^The saved .*\.$`).MatchString(brokenRec.Broken) ||
				!bytes.Contains([]byte(brokenRec.Broken), []byte(tt.want)) {
				t.Errorf("Broken = %q, want a sentence containing %q", brokenRec.Broken, tt.want)
			}
			if !reflect.DeepEqual(*brokenRec, downloader.TaskRecord{ID: "k", Broken: brokenRec.Broken}) {
				t.Errorf("broken record carries more than ID: %+v", *brokenRec)
			}
			// The damaged bytes must survive until the user removes the task.
			if err := db.PutTask(*brokenRec); !errors.Is(err, downloader.ErrBrokenRecord) {
				t.Errorf("PutTask(broken) = %v", err)
			}
			if err := db.DeleteTask("k"); err != nil {
				t.Fatal(err)
			}
			if recs, _ := db.LoadTasks(); len(recs) != 2 {
				t.Errorf("after delete: %d records", len(recs))
			}
		})
	}
}

func mustSegs(t *testing.T, s []downloader.Segment, mutate func([]byte)) []byte {
	b, err := encodeSegments(s)
	if err != nil {
		t.Fatal(err)
	}
	mutate(b)
	return b
}

// populated is record i as populate writes it.
func populated(id string, i int64) downloader.TaskRecord {
	r := sampleRecord(id, i)
	r.Segments = make([]downloader.Segment, 16)
	for j := range r.Segments {
		r.Segments[j] = downloader.Segment{Start: int64(j) << 26, End: int64(j+1) << 26, Done: int64(j) << 20}
	}
	return r
}

// populate fills a fresh store at path with n records in one transaction.
func populate(t testing.TB, path string, n int) {
	t.Helper()
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		for i := range n {
			r := populated(fmt.Sprintf("task-%06d", i), int64(i))
			rv, _ := encodeRecord(r)
			sv, _ := encodeSegments(r.Segments)
			if err := tx.Bucket(bucketTasks).Put([]byte(r.ID), rv); err != nil {
				return err
			}
			if err := tx.Bucket(bucketSegments).Put([]byte(r.ID), sv); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDamagedFileMovedAside(t *testing.T) {
	const pageSize = 4096
	tests := []struct {
		name string
		// damage gets the file and facts about it: bbolt preallocates, so
		// only cuts below the high-water mark lose data.
		damage func(b []byte, f facts) []byte
		// minKept is how many of the 300 records salvage must keep.
		minKept int
	}{
		{"truncated to half", func(b []byte, f facts) []byte { return b[:f.hwm/2] }, 0},
		{"truncated to meta pages", func(b []byte, _ facts) []byte { return b[:2*pageSize] }, 0},
		{"truncated mid-page", func(b []byte, f facts) []byte { return b[:f.hwm-pageSize-100] }, 290},
		{"truncated by one page", func(b []byte, f facts) []byte { return b[:f.hwm-pageSize] }, 290},
		{"truncated tiny", func(b []byte, _ facts) []byte { return b[:100] }, 0},
		{"zeroed", func(b []byte, _ facts) []byte { return make([]byte, len(b)) }, 0},
		{"garbage", func(b []byte, _ facts) []byte {
			for i := range b {
				b[i] = byte(i*7919 + i>>8)
			}
			return b
		}, 0},
		{"short garbage", func([]byte, facts) []byte { return []byte("this is not a database\n") }, 0},
		{"data pages garbage", func(b []byte, _ facts) []byte {
			// Valid meta pages, rubbish behind them: opens, fails on read.
			for i := 2 * pageSize; i < len(b); i++ {
				b[i] = byte(i*31 + 7)
			}
			return b
		}, 0},
		{"data pages zeroed", func(b []byte, _ facts) []byte {
			clear(b[2*pageSize:])
			return b
		}, 0},
		{"one leaf page's type damaged", func(b []byte, f facts) []byte {
			// Freelist and meta intact: Open succeeds, only the walk sees it.
			b[f.leaf*pageSize+8] = 0x99
			return b
		}, 290},
		{"one leaf page zeroed", func(b []byte, f facts) []byte {
			clear(b[f.leaf*pageSize : (f.leaf+1)*pageSize])
			return b
		}, 290},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "haul.db")
			populate(t, path, 300)
			orig, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			damaged := tt.damage(orig, inspect(t, path))
			if err := os.WriteFile(path, damaged, 0o600); err != nil {
				t.Fatal(err)
			}

			before := time.Now().UTC().Truncate(time.Second)
			db := openT(t, path)
			rec := db.Recovered()
			if rec == nil {
				t.Fatal("Recovered() = nil, want the damaged file moved aside")
			}
			if rec.Reason == nil {
				t.Error("Recovery.Reason is nil")
			}
			t.Logf("reason: %v", rec.Reason)
			if filepath.Dir(rec.BrokenPath) != dir {
				t.Errorf("broken file %s not next to %s", rec.BrokenPath, path)
			}
			stamp, ok := bytes.CutPrefix([]byte(filepath.Base(rec.BrokenPath)), []byte("haul.db.broken-"))
			ts, err := time.Parse("20060102T150405Z", string(stamp))
			if !ok || err != nil || ts.Before(before) || ts.After(time.Now().Add(time.Second)) {
				t.Errorf("broken file name %q lacks a current UTC time stamp", rec.BrokenPath)
			}
			if got, err := os.ReadFile(rec.BrokenPath); err != nil || !bytes.Equal(got, damaged) {
				t.Errorf("broken file not preserved byte for byte (err %v)", err)
			}
			// The rebuilt database holds exactly what was salvaged, each
			// record as it was written.
			recs, err := db.LoadTasks()
			if err != nil || len(recs) != rec.Kept {
				t.Fatalf("rebuilt LoadTasks = %d, %v; Recovery says %d kept", len(recs), err, rec.Kept)
			}
			for _, r := range recs {
				want := populated(r.ID, r.Order)
				if r.Segments == nil {
					want.Segments = nil // the record survived, its progress did not
				}
				if !reflect.DeepEqual(r, want) {
					t.Fatalf("salvaged record %s differs from the one written", r.ID)
				}
			}
			if rec.Kept < tt.minKept || rec.Kept+rec.Lost > 300 {
				t.Errorf("kept %d, lost %d of 300; want at least %d kept", rec.Kept, rec.Lost, tt.minKept)
			}
			t.Logf("kept %d, lost %d, unreadable pages: %v — %s", rec.Kept, rec.Lost, rec.Unreadable, rec.Summary())
			if err := db.PutTask(sampleRecord("new", 0)); err != nil {
				t.Fatal(err)
			}
			db.Close()
			db = openT(t, path)
			if db.Recovered() != nil {
				t.Error("healthy reopen reported a recovery")
			}
			if recs, err := db.LoadTasks(); err != nil || len(recs) != rec.Kept+1 {
				t.Errorf("after reopen: %d records, %v", len(recs), err)
			}
		})
	}
}

type facts struct {
	hwm  int // high-water mark in bytes
	leaf int // id of a leaf page holding data
}

func inspect(t *testing.T, path string) facts {
	t.Helper()
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, PreLoadFreelist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	var hwm, leaf int
	bdb.View(func(tx *bolt.Tx) error {
		hwm = int(tx.Size())
		for id := 2; ; id++ {
			p, err := tx.Page(id)
			if err != nil || p == nil {
				return err
			}
			if p.Type == "leaf" && p.Count > 0 && leaf == 0 {
				leaf = id
			}
		}
	})
	if leaf == 0 {
		t.Fatal("no leaf page")
	}
	return facts{hwm, leaf}
}

func TestRecoveryNameCollision(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "haul.db")
	now := time.Date(2026, 11, 25, 20, 30, 0, 0, time.UTC)
	for i, want := range []string{".broken-20261125T203000Z", ".broken-20261125T203000Z-2", ".broken-20261125T203000Z-3"} {
		if err := os.WriteFile(path, []byte{byte(i)}, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := moveAside(path, now)
		if err != nil || got != path+want {
			t.Errorf("moveAside #%d = %q, %v; want %q", i, got, err, path+want)
		}
	}
}

func TestOpenCreates(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	path := filepath.Join(dir, "haul.db")
	db := openT(t, path)
	if db.Recovered() != nil {
		t.Error("new file reported as recovered")
	}
	for p, want := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, path: 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode()&^0o022 != want&^0o022 { // umask may only remove bits
			t.Errorf("%s mode %v, want %v", p, fi.Mode(), want)
		}
		if fi.Mode().Perm()&0o077 != 0 && p == path {
			t.Errorf("%s readable by others: %v", p, fi.Mode())
		}
	}
	if db.Path() != path {
		t.Errorf("Path() = %q", db.Path())
	}
}

func TestLocked(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "haul.db")
	first := openT(t, path)
	if err := first.PutTask(sampleRecord("a", 0)); err != nil {
		t.Fatal(err)
	}
	const timeout = 150 * time.Millisecond
	start := time.Now()
	second, err := Open(path, Options{Timeout: timeout})
	elapsed := time.Since(start)
	if err == nil {
		second.Close()
		t.Fatal("second Open succeeded on a locked file")
	}
	if !errors.Is(err, ErrLocked) {
		t.Errorf("err = %v, want ErrLocked", err)
	}
	if elapsed > timeout+500*time.Millisecond {
		t.Errorf("took %v with timeout %v", elapsed, timeout)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.broken-*")); len(m) != 0 {
		t.Errorf("locked file was moved aside: %v", m)
	}
	if recs, err := first.LoadTasks(); err != nil || len(recs) != 1 {
		t.Errorf("holder broken after failed Open: %d, %v", len(recs), err)
	}
}

func TestNewerSchema(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "haul.db")
	openT(t, path).Close()
	rawPut(t, path, "meta", "schema", []byte("2"))
	if _, err := Open(path, Options{}); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open = %v, want ErrNewerSchema", err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.broken-*")); len(m) != 0 {
		t.Errorf("newer file was moved aside: %v", m)
	}
}

func TestSettings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "haul.db")
	db := openT(t, path)
	if _, ok, err := db.LoadSettings(); ok || err != nil {
		t.Fatalf("empty LoadSettings ok=%v err=%v", ok, err)
	}
	tests := []downloader.Settings{
		downloader.DefaultSettings("/home/u/Downloads"),
		{Folder: "/x", MaxActive: 1, Connections: 64, PerHost: 2, GlobalLimit: 5 << 20, MinSplit: 1, UI: map[string]string{"theme": "dark"}},
	}
	for i, want := range tests {
		if err := db.PutSettings(want); err != nil {
			t.Fatal(err)
		}
		db.Close()
		db = openT(t, path)
		got, ok, err := db.LoadSettings()
		if !ok || err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("#%d: LoadSettings = %+v, %v, %v; want %+v", i, got, ok, err, want)
		}
	}
	db.Close()
	rawPut(t, path, "settings", "settings", []byte("{nope"))
	db = openT(t, path)
	if _, ok, err := db.LoadSettings(); ok || !errors.Is(err, ErrBadSettings) {
		t.Errorf("bad settings: ok=%v err=%v, want ErrBadSettings", ok, err)
	}
}

func TestDelete(t *testing.T) {
	path := filepath.Join(t.TempDir(), "haul.db")
	db := openT(t, path)
	for _, id := range []string{"a", "b"} {
		if err := db.PutTask(sampleRecord(id, 0)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		id   string
		want []string
	}{
		{"a", []string{"b"}},
		{"a", []string{"b"}}, // again: idempotent
		{"missing", []string{"b"}},
		{"b", nil},
	}
	for _, tt := range tests {
		if err := db.DeleteTask(tt.id); err != nil {
			t.Fatalf("DeleteTask(%s): %v", tt.id, err)
		}
		recs, err := db.LoadTasks()
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range recs {
			ids = append(ids, r.ID)
		}
		if !reflect.DeepEqual(ids, tt.want) {
			t.Errorf("after delete %s: %v, want %v", tt.id, ids, tt.want)
		}
	}
	// The segments went too: no orphan to resurrect.
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if k, _ := tx.Bucket(bucketSegments).Cursor().First(); k != nil {
			return fmt.Errorf("orphan segments under %q", k)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	if err := db.PutSegments("a", []downloader.Segment{sg(0, 1, 1)}); !errors.Is(err, downloader.ErrNotFound) {
		t.Errorf("PutSegments after delete = %v, want ErrNotFound", err)
	}
}

func TestClosed(t *testing.T) {
	db := openT(t, filepath.Join(t.TempDir(), "haul.db"))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	calls := map[string]error{
		"LoadTasks":   func() error { _, err := db.LoadTasks(); return err }(),
		"PutTask":     db.PutTask(sampleRecord("a", 0)),
		"PutSegments": db.PutSegments("a", nil),
		"DeleteTask":  db.DeleteTask("a"),
		"PutSettings": db.PutSettings(downloader.Settings{}),
	}
	for name, err := range calls {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close = %v, want ErrClosed", name, err)
		}
	}
}

func TestConcurrent(t *testing.T) {
	db := openT(t, filepath.Join(t.TempDir(), "haul.db"))
	const n = 8
	for i := range n {
		if err := db.PutTask(sampleRecord(fmt.Sprint(i), int64(i))); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			id := fmt.Sprint(i)
			for j := range 20 {
				segs := []downloader.Segment{{Start: 0, End: 1000, Done: int64(j)}}
				if err := db.PutSegments(id, segs); err != nil {
					t.Error(err)
				}
				if _, err := db.LoadTasks(); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			if err := db.PutSettings(downloader.DefaultSettings("/x")); err != nil {
				t.Error(err)
			}
		}
	})
	// Failing calls share commits with the others without spoiling them.
	for range 4 {
		wg.Go(func() {
			for range 20 {
				err := db.PutSegments("missing", []downloader.Segment{sg(0, 1, 0)})
				if !errors.Is(err, downloader.ErrNotFound) {
					t.Errorf("PutSegments(missing) = %v", err)
				}
			}
		})
	}
	wg.Wait()
	recs, err := db.LoadTasks()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if len(r.Segments) != 1 || r.Segments[0].Done != 19 {
			t.Errorf("%s: last write lost: %v", r.ID, r.Segments)
		}
	}
}

// TestLoadMany takes the parallel decoding path.
func TestLoadMany(t *testing.T) {
	const n = 2000
	path := filepath.Join(t.TempDir(), "haul.db")
	populate(t, path, n)
	rawPut(t, path, "tasks", "task-001000", []byte("garbage"))
	db := openT(t, path)
	recs, err := db.LoadTasks()
	if err != nil || len(recs) != n {
		t.Fatalf("LoadTasks = %d records, %v", len(recs), err)
	}
	var broken int
	for i, r := range recs {
		if r.Broken != "" {
			broken++
			if r.ID != "task-001000" {
				t.Errorf("unexpected broken record %s: %s", r.ID, r.Broken)
			}
			continue
		}
		if len(r.Segments) != 16 {
			t.Errorf("%s: %d segments", r.ID, len(r.Segments))
		}
		if i > 0 && recs[i-1].Broken == "" && recs[i-1].Order > r.Order {
			t.Errorf("records out of order at %d", i)
		}
	}
	if broken != 1 {
		t.Errorf("%d broken records, want 1", broken)
	}
	// Broken records have Order 0, so it sorts first.
	if recs[0].ID != "task-000000" && recs[0].ID != "task-001000" {
		t.Errorf("first record %s", recs[0].ID)
	}
}
