package downloader

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/time/rate"
)

// task is one download. Its record is the persistent truth; pieces is the
// live plan while it runs. Fields under mu are read by snapshots from any
// goroutine; the manager owns the run control fields.
type task struct {
	m  *Manager
	id string

	mu      sync.Mutex
	rec     TaskRecord
	pieces  []*piece // live plan; nil until the task has run in this process
	phase   Phase
	errText string
	errKind ErrorKind // of errText, when known
	conns   int       // connections transferring right now
	started time.Time
	broken  bool
	run     *run // the current run, for live option changes

	// resumeFirst marks a task that was running when Haul stopped: it
	// starts before tasks that were merely queued.
	resumeFirst bool
	held        bool         // loaded with Config.Hold: waits for an explicit Resume
	pos         atomic.Int64 // queue position, kept by the manager

	received atomic.Int64 // bytes written by this process, for the speed meter
	speed    atomic.Int64
	meter    meter
	limiter  *rate.Limiter

	// Owned by the manager, under m.mu.
	cancel   context.CancelCauseFunc
	done     chan struct{}
	stopping bool
}

// piece is a segment in flight: which connection (if any) works on it.
type piece struct {
	Segment
	conn *conn
	// retries counts fresh requests after its connection straggled.
	retries int
	// reqEnd is the exclusive end of the request in flight on it
	// (reqspan.go); 0 when none, reqNotAsked from its claim until its
	// connection asks.
	reqEnd int64
}

// conn tracks one connection's throughput for split decisions.
type conn struct {
	first time.Time // first byte of the current response
	bytes int64
	// abort ends the request in flight with a cause; nil when none is.
	abort func(error)
	// span is the length of its latest bounded request (reqspan.go).
	span int64
	// warm: its TCP connection outlived its latest request (ended or
	// drained cleanly), so the next one needs no handshake and no slow
	// start (coldstart.go).
	warm bool
	// sock is the TCP connection of the request in flight, for its
	// receive-side round trip (flightrtt.go); nil between requests.
	sock syscall.RawConn
	// win is its latest measured window (connpace.go).
	win paceWin
	// urlGen is run.urlGen when its latest request picked its URL, at
	// askedAt.
	urlGen  int
	askedAt time.Time
}

func (c *conn) rate(now time.Time) float64 {
	if c == nil || c.first.IsZero() {
		return 0
	}
	dt := now.Sub(c.first).Seconds()
	if dt < 0.2 {
		return 0
	}
	return float64(c.bytes) / dt
}

func newTask(m *Manager, rec TaskRecord) *task {
	t := &task{m: m, id: rec.ID, rec: rec, limiter: newLimiter(rec.Options.SpeedLimit)}
	return t
}

// segmentsLocked is the current plan as plain values.
func (t *task) segmentsLocked() []Segment {
	if t.pieces == nil {
		return slices.Clone(t.rec.Segments)
	}
	out := make([]Segment, len(t.pieces))
	for i, p := range t.pieces {
		out[i] = p.Segment
	}
	return out
}

// setPieces replaces the live plan.
func (t *task) setPiecesLocked(segs []Segment) {
	t.pieces = make([]*piece, len(segs))
	for i, s := range segs {
		t.pieces[i] = &piece{Segment: s}
	}
	t.rec.Segments = segs
}

// snapshot copies everything a UI shows. Position is filled by the manager.
func (t *task) snapshot() Snapshot {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := &t.rec
	s := Snapshot{
		ID:           t.id,
		URL:          r.URL,
		FinalURL:     r.FinalURL,
		Folder:       r.Folder,
		Name:         r.Name,
		Size:         r.Size,
		State:        r.State,
		Phase:        t.phase,
		Error:        t.errText,
		Connections:  t.conns,
		Resumable:    r.Resumable,
		ETag:         r.ETag,
		LastModified: r.LastModified,
		Options:      cloneOptions(r.Options),
		Log:          slices.Clone(r.Log),
		Broken:       t.broken,
		StartNow:     r.StartNow,
		Created:      r.Created,
		Started:      t.started,
		Finished:     r.Finished,
		ETA:          -1,
		Category:     r.Category,
		AutoFolder:   r.AutoFolder,
	}
	if s.Error == "" {
		s.Error = r.Error
	}
	s.ErrorKind = r.ErrorKind
	if t.errText != "" && t.errKind != KindNone {
		s.ErrorKind = t.errKind
	}
	if t.broken {
		s.ErrorKind = KindBroken
	}
	if t.pieces != nil {
		s.Segments = make([]SegmentState, len(t.pieces))
		for i, p := range t.pieces {
			s.Segments[i] = SegmentState{Segment: p.Segment, Active: p.conn != nil}
			s.Done += p.Done
		}
	} else {
		s.Segments = make([]SegmentState, len(r.Segments))
		for i, seg := range r.Segments {
			s.Segments[i] = SegmentState{Segment: seg}
			s.Done += seg.Done
		}
	}
	if r.State == StateCompleted && r.Size >= 0 {
		s.Done = r.Size
	}
	if r.State == StateActive {
		s.Speed = t.speed.Load()
		s.ETA = eta(s.Size, s.Done, s.Speed)
	}
	t.videoSnapshotLocked(&s)
	t.linkSnapshotLocked(&s)
	return s
}

func cloneOptions(o Options) Options {
	o.Headers = o.Headers.Clone()
	o.Checksum = o.Checksum.clone()
	return o
}

// logLocked appends a line to the task's log (kept short), its URL
// passwords redacted (RedactText), so callers pass text as it is.
func (t *task) logLocked(text string) {
	const keep = 50
	t.rec.Log = append(t.rec.Log, LogEntry{Time: time.Now(), Text: RedactText(text)})
	if n := len(t.rec.Log); n > keep {
		t.rec.Log = slices.Delete(t.rec.Log, 0, n-keep)
	}
}

// setErrorLocked records why the task stopped; nil clears it.
func (t *task) setErrorLocked(err error) {
	t.rec.Error = Sentence(err)
	t.rec.ErrorKind = KindOf(err)
}

func (t *task) setPhase(p Phase, errText string) { t.setPhaseKind(p, errText, KindNone) }

// setPhaseKind is setPhase with the kind of errText, for programs.
func (t *task) setPhaseKind(p Phase, errText string, kind ErrorKind) {
	t.updatePhase(false, p, errText, kind)
}

// setPhaseIdle is setPhaseKind while no connection delivers: one
// connection's retry or wait is the task's state only then. It is
// decided in the hold that reads t.conns, so a first byte counted just
// after (which sets "downloading") is not overwritten by it.
func (t *task) setPhaseIdle(p Phase, errText string, kind ErrorKind) {
	t.updatePhase(true, p, errText, kind)
}

func (t *task) updatePhase(idleOnly bool, p Phase, errText string, kind ErrorKind) {
	t.mu.Lock()
	changed := false
	if !idleOnly || t.conns == 0 {
		changed = t.phase != p || t.errText != errText || t.errKind != kind
		t.phase, t.errText, t.errKind = p, errText, kind
	}
	t.mu.Unlock()
	if changed {
		t.m.emit(EventChanged, t)
	}
}

func newConn() *conn { return &conn{} }

// carry is the tracker for the next piece of the connection c tracked
// (nil: a new connection): the same TCP connection keeps its measured
// rate, so its first request on the new piece is sized by it.
func (c *conn) carry() *conn {
	if c == nil {
		return newConn()
	}
	return &conn{first: c.first, bytes: c.bytes, span: c.span, warm: c.warm, win: c.win}
}
