package downloader

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"haul/downloader/clock"
	"haul/downloader/hls"
	"haul/downloader/logins"
)

// Config is what Open needs.
type Config struct {
	// Store persists tasks and settings. Required. The Manager does not
	// close it.
	Store Store
	// DefaultFolder is the download folder when no settings are stored.
	DefaultFolder string
	// Transport carries every request; nil means Haul's HTTP/1.1 transport.
	Transport http.RoundTripper
	// Dial makes the TCP connections of Haul's transport (unused with
	// Transport set); nil means a net.Dialer with a 15 s timeout and TCP
	// keep-alive.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// UserAgent is sent unless a task sets its own; default "Haul/<version>".
	UserAgent string
	// FS does every file operation of a task (FileSystem); nil means the
	// operating system's.
	FS FileSystem
	// Hold keeps loaded tasks where they are instead of continuing them:
	// for a command-line run that only wants its own downloads. A held
	// task starts when Resume is called on it.
	Hold bool
	// NoStart makes a manager that records tasks but never runs any: for
	// queueing downloads into the store while no Haul is running.
	NoStart bool
	// MaxActive overrides Settings.MaxActive for this process without
	// storing it; 0 keeps the stored value.
	MaxActive int
	// Clock drives Settings.Schedule; nil means the system clock.
	Clock Clock
	// Logins holds the passwords of per-site logins; nil means
	// logins.Default(), the OS keyring with a session-only fallback.
	Logins Logins
}

// MoveTo is a direction for Manager.Move.
type MoveTo int

const (
	MoveUp MoveTo = iota
	MoveDown
	MoveTop
	MoveBottom
)

// Stats summarises the queue.
type Stats struct {
	// Speed is the total transfer rate in bytes per second.
	Speed int64
	// Active … Failed count the tasks in each State.
	Active, Queued, Paused, Completed, Failed int
}

// Manager is the download queue. All methods are safe for concurrent use.
type Manager struct {
	store  Store
	fs     FileSystem
	client *http.Client
	// baseTransport is what client's transport wraps; the queue probe
	// copies it (queueprobe.go).
	baseTransport http.RoundTripper
	userAgent     string
	logins        Logins
	hosts         *hostSlots
	// ahead dials connections ahead of a far path's jump (dialahead.go);
	// nil with a Transport from the Config.
	ahead    *aheadDialer
	global   *rate.Limiter
	settings atomic.Pointer[Settings] // the effective settings: saved + session (session.go)
	session  sessionLayer
	clock    Clock
	sched    scheduler
	flow     flowWatch
	sampler  samplerState // under mu (sampler.go)

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	tasks   map[string]*task
	order   []*task
	running map[*task]struct{}
	names   map[string]string // reserved path → task id
	closed  bool
	hold    bool
	noStart bool

	subsMu sync.Mutex
	subs   map[*subscriber]struct{}
}

// Open loads every task from the store and starts the queue: tasks that
// were running continue, queued ones wait their turn, the rest keep their
// state. A record that cannot be read becomes a broken task; it never
// stops the others.
func Open(ctx context.Context, cfg Config) (*Manager, error) {
	if cfg.Store == nil {
		return nil, errors.New("downloader: Config.Store is required")
	}
	m := &Manager{
		store:     cfg.Store,
		fs:        cfg.FS,
		userAgent: cfg.UserAgent,
		tasks:     map[string]*task{},
		running:   map[*task]struct{}{},
		names:     map[string]string{},
		subs:      map[*subscriber]struct{}{},
	}
	if m.fs == nil {
		m.fs = osFS{}
	}
	m.clock = cfg.Clock
	if m.clock == nil {
		m.clock = clock.System{}
	}
	if m.userAgent == "" {
		m.userAgent = "Haul/" + Version
	}
	rt := cfg.Transport
	if rt == nil {
		dial := dialer(cfg.Dial)
		if dial == nil {
			dial = defaultDial
		}
		m.ahead = newAheadDialer(dial)
		rt = newTransport(m.proxyFor, m.ahead.DialContext)
	}
	m.logins = cfg.Logins
	if m.logins == nil {
		m.logins = logins.Default()
	}
	m.baseTransport = rt
	m.client = newClient(siteLoginTransport{base: rt, m: m})
	// Unreadable settings fall back to the defaults: they are preferences,
	// and the next save replaces them.
	st, ok, err := cfg.Store.LoadSettings()
	if err != nil || !ok {
		st = DefaultSettings(cfg.DefaultFolder)
	}
	st = st.normalized(cfg.DefaultFolder)
	if cfg.MaxActive > 0 {
		st.MaxActive = cfg.MaxActive
	}
	m.hold = cfg.Hold
	m.noStart = cfg.NoStart
	m.settings.Store(&st)
	m.global = newLimiter(st.GlobalLimit)
	m.hosts = newHostSlots(st.PerHost)
	m.hosts.siteCap = m.sitePerHost
	recs, err := cfg.Store.LoadTasks()
	if err != nil {
		return nil, fmt.Errorf("load tasks: %w", err)
	}
	m.ctx, m.cancel = context.WithCancel(context.WithoutCancel(ctx))
	for _, rec := range recs {
		t := m.restore(rec)
		m.tasks[t.id] = t
		m.order = append(m.order, t)
	}
	slices.SortStableFunc(m.order, func(a, b *task) int {
		return compareInt(a.rec.Order, b.rec.Order)
	})
	m.mu.Lock()
	m.renumberLocked()
	m.mu.Unlock()
	m.applySchedule() // starts the queue as the schedule allows; a start wakes the sampler
	return m, nil
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// restore turns a loaded record into a task, checking what can be checked
// without the network.
func (m *Manager) restore(rec TaskRecord) *task {
	if rec.Broken != "" {
		t := newTask(m, TaskRecord{ID: rec.ID, URL: rec.URL, State: StateFailed, Size: -1})
		t.broken = true
		t.errText = Sentence(ErrBrokenRecord) + " (" + rec.Broken + ")"
		return t
	}
	if rec.Size == 0 && rec.Segments == nil {
		rec.Size = -1
	}
	t := newTask(m, rec)
	if rec.State == StateActive {
		t.resumeFirst = true
		t.rec.State = StateQueued
	}
	t.held = m.hold && t.rec.State == StateQueued
	if rec.Name != "" && rec.State != StateCompleted {
		m.names[filepath.Join(rec.Folder, rec.Name)] = rec.ID
	}
	return t
}

// renumberLocked refreshes every task's queue position.
func (m *Manager) renumberLocked() {
	for i, t := range m.order {
		t.pos.Store(int64(i))
	}
}

// Add queues downloads. It adds every valid request and returns their ids
// ("" for a rejected one) and an error joining why the others were
// rejected: ErrBadURL, ErrBadOption, ErrBadChecksum, ErrClosed, the
// store's error, and ctx.Err() when ctx ends (later requests are then not
// added). Each is wrapped with the request's URL; use errors.Is.
func (m *Manager) Add(ctx context.Context, reqs ...Request) ([]string, error) {
	ids := make([]string, len(reqs))
	var errs []error
	for i, req := range reqs {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		id, err := m.add(req)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", req.URL, err))
			continue
		}
		ids[i] = id
	}
	return ids, errors.Join(errs...)
}

func (m *Manager) add(req Request) (string, error) {
	u, err := ParseURL(req.URL)
	if err != nil {
		return "", err
	}
	if err := req.Options.validate(); err != nil {
		return "", err
	}
	set := m.settingsSnapshot()
	folder := req.Folder
	if folder == "" {
		folder = set.Folder
	}
	folder = absFolder(folder)
	if id, ok := m.freshLinkFor(req, u, folder); ok {
		return id, nil
	}
	rec := TaskRecord{
		Version: RecordVersion,
		ID:      newID(),
		URL:     u.String(),
		Folder:  folder,
		Options: ApplySite(set.Sites, u.String(), req.Options),
		Size:    -1,
		State:   StateQueued,
		Created: time.Now(),
		// Until the probe tells the media type, the name decides.
		Category:   nameCategory(set.Categories, req.Name, req.URL),
		AutoFolder: req.Folder == "",
	}
	if rec.Mirrors, err = parseMirrors(u.String(), req.Mirrors); err != nil {
		return "", err
	}
	if req.Name != "" {
		rec.Name, rec.NameFixed = SanitizeName(req.Name), true
	}
	if req.Paused {
		rec.State = StatePaused
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return "", ErrClosed
	}
	if n := len(m.order); n > 0 {
		rec.Order = m.order[n-1].rec.Order + 1
	}
	if err := m.store.PutTask(rec); err != nil {
		return "", fmt.Errorf("save task: %w", err)
	}
	t := newTask(m, rec)
	m.tasks[t.id] = t
	m.order = append(m.order, t)
	t.pos.Store(int64(len(m.order) - 1))
	m.emit(EventAdded, t)
	m.scheduleLocked()
	return t.id, nil
}

// newID is 16 hex characters, the shape aria2 uses for a GID.
func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (o Options) validate() error {
	if o.Connections < 0 || o.Connections > MaxConnections {
		return fmt.Errorf("connections must be between 1 and %d: %w", MaxConnections, ErrBadOption)
	}
	if o.SpeedLimit < 0 {
		return fmt.Errorf("speed limit must not be negative: %w", ErrBadOption)
	}
	if err := ParseProxy(o.Proxy); err != nil {
		return fmt.Errorf("%w: %w", ErrBadOption, err)
	}
	if c := o.Checksum; !c.IsZero() && (c.New() == nil || len(c.Sum) != c.New().Size()) {
		return fmt.Errorf("%w: %s digest of %d bytes", ErrBadChecksum, truncForError(c.Algo), len(c.Sum))
	}
	if _, err := hls.ParseChoice(o.Variant); err != nil {
		return fmt.Errorf("%w: %w", ErrBadOption, err)
	}
	if o.Remux != "" && o.Remux != RemuxMP4 {
		return fmt.Errorf("remux must be %q or empty: %w", RemuxMP4, ErrBadOption)
	}
	return nil
}

// get returns the task or ErrNotFound; the caller holds m.mu.
func (m *Manager) getLocked(id string) (*task, error) {
	t, ok := m.tasks[id]
	if !ok {
		return nil, fmt.Errorf("task %s: %w", id, ErrNotFound)
	}
	return t, nil
}

// Get returns one task's snapshot. Errors: ErrNotFound.
func (m *Manager) Get(id string) (Snapshot, error) {
	m.mu.Lock()
	t, err := m.getLocked(id)
	m.mu.Unlock()
	if err != nil {
		return Snapshot{}, err
	}
	return m.snapshot(t), nil
}

// List returns every task's snapshot in queue order.
func (m *Manager) List() []Snapshot {
	m.mu.Lock()
	order := slices.Clone(m.order)
	m.mu.Unlock()
	out := make([]Snapshot, len(order))
	for i, t := range order {
		out[i] = m.snapshot(t)
	}
	return out
}

func (m *Manager) snapshot(t *task) Snapshot {
	s := t.snapshot()
	s.Position = int(t.pos.Load())
	return m.withSchedulePhase(s)
}

// Stats counts tasks by state and sums the speed.
func (m *Manager) Stats() Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	var st Stats
	for _, t := range m.order {
		t.mu.Lock()
		state := t.rec.State
		t.mu.Unlock()
		st.count(state, t.speed.Load())
	}
	return st
}

// Subscribe returns a channel of events and a function that ends the
// subscription (and closes the channel). State changes are never dropped;
// progress is coalesced per task, so a slow reader sees the latest.
func (m *Manager) Subscribe() (<-chan Event, func()) {
	s := newSubscriber()
	m.subsMu.Lock()
	if m.subs == nil {
		m.subsMu.Unlock()
		s.stop()
		return s.out, func() {}
	}
	m.subs[s] = struct{}{}
	m.subsMu.Unlock()
	m.sampler.others.Add(1) // the sampler tells it every running task's progress
	return s.out, func() {
		m.subsMu.Lock()
		delete(m.subs, s)
		m.subsMu.Unlock()
		s.stop()
	}
}

// emit announces t's current snapshot. It never blocks and never takes
// m.mu, so it may be called from anywhere.
func (m *Manager) emit(kind EventKind, t *task) {
	m.subsMu.Lock()
	defer m.subsMu.Unlock()
	if len(m.subs) == 0 {
		return
	}
	m.pushLocked(Event{Kind: kind, Task: m.snapshot(t)})
	m.sampler.others.Add(1) // the sampler's last word is no longer the latest
}

// pushLocked hands ev to every subscriber. Under m.subsMu.
func (m *Manager) pushLocked(ev Event) {
	for s := range m.subs {
		s.push(ev)
	}
}

// Close stops every running task, recording its progress so it continues
// on the next Open, and ends all subscriptions. It does not close the
// store. It returns nil; calling it again does nothing.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	var dones []chan struct{}
	for t := range m.running {
		t.cancel(errClosing)
		dones = append(dones, t.done)
	}
	m.mu.Unlock()
	for _, d := range dones {
		<-d
	}
	m.cancel()
	m.stopSchedule()
	m.wg.Wait()
	m.flow.close()
	m.subsMu.Lock()
	for s := range m.subs {
		s.stop()
	}
	m.subs = nil
	m.subsMu.Unlock()
	return nil
}

// deletePart removes a task's partial file, if any.
func (m *Manager) deletePart(folder, name string) {
	if name == "" {
		return
	}
	_ = m.fs.Remove(filepath.Join(folder, name+partSuffix))
	removeStaging(m.fs, filepath.Join(folder, name+partSuffix))
}
