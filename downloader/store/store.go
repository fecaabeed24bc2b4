package store

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"haul/downloader"
)

// Sentinel errors. Compare with errors.Is.
var (
	// ErrLocked: another process (normally another Haul) has the file open.
	ErrLocked = errors.New("database is in use by another Haul process")
	// ErrClosed: the DB was used after Close.
	ErrClosed = errors.New("database is closed")
	// ErrNewerSchema: the file was laid out by a newer Haul; it is left untouched.
	ErrNewerSchema = errors.New("database was created by a newer version of Haul")
	// ErrCorrupt: bbolt failed on a damaged page after Open had checked the file.
	ErrCorrupt = errors.New("database file is damaged")
	// ErrNoID: a record without an ID cannot be stored.
	ErrNoID = errors.New("task has no ID")
	// ErrBadSegments: the segments cannot describe bytes on disk (see package doc).
	ErrBadSegments = errors.New("invalid segments")
	// ErrBadSettings: the stored settings cannot be decoded.
	ErrBadSettings = errors.New("stored settings are unreadable")
)

// DefaultTimeout is how long Open waits for another process to release the
// file lock.
const DefaultTimeout = time.Second

// schemaVersion is the bucket layout in doc.go. Records carry their own
// version; this one changes only when buckets or key meanings do.
const schemaVersion = 1

var (
	bucketMeta     = []byte("meta")
	bucketTasks    = []byte("tasks")
	bucketSegments = []byte("segments")
	bucketSettings = []byte("settings")
	keySchema      = []byte("schema")
	keySettings    = []byte("settings")
)

// Options tune Open. The zero value is ready to use.
type Options struct {
	// Timeout bounds the wait for a lock held by another process; 0 means
	// DefaultTimeout. Open never waits forever.
	Timeout time.Duration
}

// DB is a downloader.Store backed by one bbolt file. It is safe for
// concurrent use.
type DB struct {
	bolt      *bolt.DB
	group     grouper
	path      string
	recovered *Recovery

	// dirty: written since the last backup.
	dirty      atomic.Bool
	stopBackup chan struct{}
	backupDone chan struct{}
	closeOnce  sync.Once
}

var _ downloader.Store = (*DB)(nil)

// Open opens or creates the database at path, creating its directory
// (0700) if needed. A file that is not a usable database (damaged, or
// empty) is moved aside and replaced by one rebuilt from every record
// that can still be read from it, and from the backup "<path>.bak" for
// the rest (see Recovered). A file locked by another process yields
// ErrLocked after opts.Timeout. While open, the database is copied to its
// backup every BackupEvery and on Close.
func Open(path string, opts Options) (*DB, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	bopts := &bolt.Options{
		Timeout: opts.Timeout,
		// Map is faster than the default array once the file fragments and
		// only changes the in-memory form; the file stays compatible.
		FreelistType: bolt.FreelistMapType,
		// NoFreelistSync is deliberately off: with it, Open rebuilds the
		// freelist by walking the file in a goroutine of bbolt's where a
		// damaged page crashes the process instead of being recovered.
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	fi, statErr := os.Lstat(path)
	created := errors.Is(statErr, os.ErrNotExist)

	var bdb *bolt.DB
	var damage, err error
	if statErr == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
		// bbolt would quietly make an empty file a new database: a list
		// lost to a crash mid-write would go unnoticed.
		damage = errors.New("the file is empty")
	} else if bdb, damage, err = tryOpen(path, bopts); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	var rec *Recovery
	var salv *salvaged
	if damage != nil {
		salv = salvage(path)
		broken, err := moveAside(path, time.Now())
		if err != nil {
			return nil, fmt.Errorf("store: open %s: file is unusable (%v) and could not be moved aside: %w", path, damage, err)
		}
		rec = &Recovery{BrokenPath: broken, Reason: damage}
		bdb, damage, err = tryOpen(path, bopts)
		if err == nil && damage != nil {
			err = damage
		}
		if err != nil {
			return nil, fmt.Errorf("store: open %s after moving the damaged file to %s: %w", path, broken, err)
		}
		created = true
	}
	if created {
		// bbolt fsyncs the file but not the directory entry naming it; without
		// this a power cut could lose the whole new file, commits included.
		if err := syncDir(dir); err != nil {
			bdb.Close()
			return nil, fmt.Errorf("store: open %s: %w", path, err)
		}
	}
	db := &DB{bolt: bdb, path: path, recovered: rec}
	if err := db.init(); err != nil {
		bdb.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if salv != nil {
		if err := db.rebuild(salv, rec); err != nil {
			bdb.Close()
			return nil, fmt.Errorf("store: open %s: rebuild from the damaged file: %w", path, err)
		}
	}
	db.dirty.Store(salv != nil)
	db.stopBackup, db.backupDone = make(chan struct{}), make(chan struct{})
	go db.backups(db.stopBackup, db.backupDone)
	return db, nil
}

// init creates missing buckets and checks the schema version.
func (db *DB) init() error {
	var schema int
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketMeta); b != nil {
			if v := b.Get(keySchema); v != nil {
				n, err := strconv.Atoi(string(v))
				if err != nil {
					return fmt.Errorf("schema version %q: %w", v, ErrNewerSchema)
				}
				schema = n
			}
		}
		for _, name := range [][]byte{bucketTasks, bucketSegments, bucketSettings} {
			if tx.Bucket(name) == nil {
				schema = 0
			}
		}
		return nil
	})
	switch {
	case err != nil:
		return err
	case schema > schemaVersion:
		return fmt.Errorf("schema version %d, this Haul knows %d: %w", schema, schemaVersion, ErrNewerSchema)
	case schema == schemaVersion:
		// The usual case: no write, so no fsync, on every start.
		return nil
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketMeta, bucketTasks, bucketSegments, bucketSettings} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchema, []byte(strconv.Itoa(schemaVersion)))
	})
}

// Recovered returns what Open moved aside, or nil if the file was fine.
// The app should tell the user: their task list starts empty.
func (db *DB) Recovered() *Recovery { return db.recovered }

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// Close copies the database to its backup if it changed, then releases
// the file and its lock. Later calls return ErrClosed.
func (db *DB) Close() error {
	var berr error
	db.closeOnce.Do(func() {
		close(db.stopBackup)
		<-db.backupDone
		if db.dirty.Load() {
			berr = db.Backup()
		}
	})
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return berr
}

// LoadTasks implements downloader.Store. Records come back ordered by Order,
// then ID. A record or segment list that does not decode yields
// TaskRecord{ID, Broken: sentence}; it is never dropped.
func (db *DB) LoadTasks() ([]downloader.TaskRecord, error) {
	recs, err := db.loadTasks()
	if err != nil {
		return nil, wrap("load tasks", err)
	}
	slices.SortFunc(recs, func(a, b downloader.TaskRecord) int {
		return cmp.Or(cmp.Compare(a.Order, b.Order), cmp.Compare(a.ID, b.ID))
	})
	return recs, nil
}

func (db *DB) loadTasks() (recs []downloader.TaskRecord, err error) {
	defer catchCorrupt(&err)
	defer faultsPanic()()
	err = db.bolt.View(func(tx *bolt.Tx) error {
		tasks, segs := tx.Bucket(bucketTasks), tx.Bucket(bucketSegments)
		if tasks == nil || segs == nil {
			return fmt.Errorf("%w: missing bucket", ErrCorrupt)
		}
		// Gather the raw values first (they point into the mmap and stay
		// valid until the transaction ends), then decode in parallel: JSON
		// decoding is nearly all of a restart's time.
		var raws []rawTask
		c := tasks.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			raws = append(raws, rawTask{id: string(k), rec: v, segs: segs.Get(k)})
		}
		recs = make([]downloader.TaskRecord, len(raws))
		return decodeAll(raws, recs)
	})
	return recs, err
}

type rawTask struct {
	id        string
	rec, segs []byte
}

// decodeAll fills recs[i] from raws[i] using all CPUs.
func decodeAll(raws []rawTask, recs []downloader.TaskRecord) error {
	const minChunk = 512 // below this a goroutine costs more than it saves
	workers := min(runtime.GOMAXPROCS(0), (len(raws)+minChunk-1)/minChunk)
	if workers <= 1 {
		for i, r := range raws {
			recs[i] = loadOne(r.id, r.rec, r.segs)
		}
		return nil
	}
	errs := make([]error, workers)
	var wg sync.WaitGroup
	chunk := (len(raws) + workers - 1) / workers
	for w := range workers {
		lo, hi := w*chunk, min((w+1)*chunk, len(raws))
		wg.Go(func() {
			// Each goroutine needs its own guard: a fault on the mmap would
			// otherwise kill the process.
			defer catchCorrupt(&errs[w])
			defer faultsPanic()()
			for i := lo; i < hi; i++ {
				recs[i] = loadOne(raws[i].id, raws[i].rec, raws[i].segs)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// loadOne decodes one task. rv is nil when k is a nested bucket, sv when
// the task has no segments.
func loadOne(id string, rv, sv []byte) downloader.TaskRecord {
	if rv == nil {
		return broken(id, "The saved task record cannot be read: it is not a record.")
	}
	rec, err := decodeRecord(id, rv)
	if err != nil {
		return broken(id, "The saved task record cannot be read: "+err.Error()+".")
	}
	if sv != nil {
		if rec.Segments, err = decodeSegments(sv); err != nil {
			return broken(id, "The saved download progress cannot be read: "+err.Error()+".")
		}
	}
	return rec
}

func broken(id, why string) downloader.TaskRecord {
	return downloader.TaskRecord{ID: id, Broken: why}
}

// PutTask implements downloader.Store. It stamps RecordVersion and writes
// the record and its segments in one fsynced transaction; empty segments
// delete the stored ones. A Broken record is refused so the damaged bytes
// stay on disk until the task is deleted.
func (db *DB) PutTask(rec downloader.TaskRecord) error {
	op := "put task " + rec.ID
	if rec.ID == "" {
		return wrap(op, ErrNoID)
	}
	if rec.Broken != "" {
		return wrap(op, downloader.ErrBrokenRecord)
	}
	rv, err := encodeRecord(rec)
	if err != nil {
		return wrap(op, err)
	}
	sv, err := encodeSegmentsOrNil(rec.Segments)
	if err != nil {
		return wrap(op, err)
	}
	key := []byte(rec.ID)
	db.dirty.Store(true)
	return wrap(op, db.bolt.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketTasks).Put(key, rv); err != nil {
			return err
		}
		return putOrDelete(tx.Bucket(bucketSegments), key, sv)
	}))
}

// PutSegments implements downloader.Store: the write is committed and
// fsynced before it returns. Calls made while another commit is in flight
// share the next one (group commit): a lone caller pays one commit, many
// tasks flushing together do not pay one each. It returns
// downloader.ErrNotFound if the task does not exist, so a flush racing
// DeleteTask cannot leave orphan segments.
func (db *DB) PutSegments(id string, segs []downloader.Segment) error {
	op := "put segments " + id
	if id == "" {
		return wrap(op, ErrNoID)
	}
	sv, err := encodeSegmentsOrNil(segs)
	if err != nil {
		return wrap(op, err)
	}
	key := []byte(id)
	db.dirty.Store(true)
	return wrap(op, db.group.do(db.bolt, func(tx *bolt.Tx) error {
		if tx.Bucket(bucketTasks).Get(key) == nil {
			return downloader.ErrNotFound
		}
		return putOrDelete(tx.Bucket(bucketSegments), key, sv)
	}))
}

// DeleteTask implements downloader.Store. Deleting a missing task is not
// an error, so a retried delete succeeds.
func (db *DB) DeleteTask(id string) error {
	key := []byte(id)
	db.dirty.Store(true)
	return wrap("delete task "+id, db.bolt.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketTasks).Delete(key); err != nil {
			return err
		}
		return tx.Bucket(bucketSegments).Delete(key)
	}))
}

// LoadSettings implements downloader.Store. Undecodable settings return
// ok=false and an error matching ErrBadSettings; the caller can fall back
// to defaults, and the next PutSettings replaces them.
func (db *DB) LoadSettings() (s downloader.Settings, ok bool, err error) {
	raw, err := db.get(bucketSettings, keySettings)
	if err != nil || raw == nil {
		return downloader.Settings{}, false, wrap("load settings", err)
	}
	if s, err = decodeSettings(raw); err != nil {
		return downloader.Settings{}, false, wrap("load settings", err)
	}
	return s, true, nil
}

// get returns a copy of the value under key, or nil.
func (db *DB) get(bucket, key []byte) (v []byte, err error) {
	defer catchCorrupt(&err)
	defer faultsPanic()()
	err = db.bolt.View(func(tx *bolt.Tx) error {
		v = slices.Clone(tx.Bucket(bucket).Get(key))
		return nil
	})
	return v, err
}

// PutSettings implements downloader.Store.
func (db *DB) PutSettings(s downloader.Settings) error {
	v, err := encodeSettings(s)
	if err != nil {
		return wrap("put settings", err)
	}
	db.dirty.Store(true)
	return wrap("put settings", db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSettings).Put(keySettings, v)
	}))
}

func encodeSegmentsOrNil(segs []downloader.Segment) ([]byte, error) {
	if len(segs) == 0 {
		return nil, nil
	}
	return encodeSegments(segs)
}

func putOrDelete(b *bolt.Bucket, key, v []byte) error {
	if v == nil {
		return b.Delete(key)
	}
	return b.Put(key, v)
}

// wrap prefixes err with the operation and maps bbolt's closed-database
// error to ErrClosed. It returns nil for nil.
func wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, bolt.ErrDatabaseNotOpen):
		err = ErrClosed
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

// catchCorrupt turns a bbolt panic on a damaged page into ErrCorrupt. Open
// already checked the file, so this only fires if it is damaged while open.
func catchCorrupt(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w (%v)", ErrCorrupt, r)
	}
}

// faultsPanic makes a bad access to bbolt's mmap (e.g. past the end of a
// truncated file) a recoverable panic in this goroutine; call the returned
// function to restore the previous behaviour.
func faultsPanic() (restore func()) {
	old := debug.SetPanicOnFault(true)
	return func() { debug.SetPanicOnFault(old) }
}

// grouper commits concurrent writes in one transaction without bbolt
// Batch's fixed delay, which costs a lone caller 10 ms per write: the
// first caller commits at once, and calls arriving during its fsync go
// into the next commit, led by the oldest of them.
//
// A function given to do must fail before its first write, so that its
// error can be returned to it alone while the others' writes commit.
type grouper struct {
	mu      sync.Mutex
	pending []*groupCall
	running bool // a leader is committing; new calls wait for the next round
}

type groupCall struct {
	fn  func(*bolt.Tx) error
	res chan error // errLead, then the call's result
}

// errLead tells a waiting call to lead the next round.
var errLead = errors.New("lead")

func (g *grouper) do(bdb *bolt.DB, fn func(*bolt.Tx) error) error {
	c := &groupCall{fn: fn, res: make(chan error, 1)}
	g.mu.Lock()
	g.pending = append(g.pending, c)
	lead := !g.running
	g.running = true
	g.mu.Unlock()
	if !lead {
		if err := <-c.res; err != errLead {
			return err
		}
	}
	g.mu.Lock()
	round := g.pending
	g.pending = nil
	g.mu.Unlock()

	commitRound(bdb, round)

	// Hand over instead of looping, so one caller is not kept committing
	// for others for as long as writes keep coming.
	g.mu.Lock()
	if len(g.pending) > 0 {
		g.pending[0].res <- errLead
	} else {
		g.running = false
	}
	g.mu.Unlock()
	return <-c.res
}

// commitRound runs every call's function in one transaction and delivers
// each its result: its own error, or the commit's.
func commitRound(bdb *bolt.DB, round []*groupCall) {
	errs := make([]error, len(round))
	err := func() (err error) {
		defer catchCorrupt(&err)
		defer faultsPanic()()
		return bdb.Update(func(tx *bolt.Tx) error {
			for i, c := range round {
				errs[i] = c.fn(tx)
			}
			return nil
		})
	}()
	for i, c := range round {
		c.res <- cmp.Or(errs[i], err)
	}
}
