package testserver

import (
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"time"
)

// Off turns off a fault that triggers after a byte count (WithResetAfter,
// WithTruncate, WithChangeAfter). Zero is a real threshold there: "at once".
const Off = -1

// File describes one served file. Its bytes are Content(Seed, Size).
type File struct {
	Size int64
	Seed uint64
	// ContentDisposition is sent verbatim so tests can try hostile values;
	// "" sends no header.
	ContentDisposition string
	// ContentType defaults to application/octet-stream.
	ContentType string
	// NoETag and NoLastModified drop a validator, as some servers do.
	NoETag, NoLastModified bool
	// Header holds more headers sent with every answer of the file
	// (Repr-Digest, Content-MD5, …), verbatim.
	Header http.Header
}

// Content is the file's bytes.
func (f File) Content() *io.SectionReader { return Content(f.Seed, f.Size) }

// SHA256 is the hex SHA-256 of the file's bytes.
func (f File) SHA256() string { return SHA256(f.Seed, f.Size) }

// SlowConn picks responses that get a much lower rate than the others, to
// model the one straggling connection at the tail of a segmented download.
// A ranged (206) GET is slow when it is the Nth since the option was set
// (1-based; 0 = no such rule) or when its range starts at or after MinStart
// (0 = no such rule). Rate <= 0 turns the rule off.
type SlowConn struct {
	Nth      int
	MinStart int64
	Rate     int64
}

// Reset cuts GET bodies after After bytes by closing the connection, like a
// dropped link. Every > 1 cuts only every Every-th body response since the
// option was set; Prob in (0,1) further cuts only with that probability,
// drawn from a generator seeded with Seed so runs repeat. Abortive sends a
// TCP RST (SO_LINGER 0) instead of a FIN. After < 0 (Off) disables.
type Reset struct {
	After    int64
	Every    int
	Prob     float64
	Seed     uint64
	Abortive bool
}

// Option configures a Server, at New or later through Server.Set.
type Option func(*settings)

// change is a pending WithChangeAfter.
type change struct {
	after int64
	next  File
}

// settings is everything an Option may touch; guarded by Server.mu.
type settings struct {
	files   map[string]*fileState
	version uint64 // bumps on every file (re)placement

	noRanges      bool
	unknownLength bool
	unknownRanges bool

	rate      int64
	slow      SlowConn
	slowCount int // ranged GETs seen since WithSlowConn

	maxInFlight    int
	busyStatus     int
	busyRetryAfter string

	answerDelay func(r *http.Request, inFlight int) time.Duration

	reset      Reset
	resetCount int
	resetRand  *rand.Rand

	stallAfter int64
	stallFor   time.Duration

	changes map[string]change
	served  map[string]int64 // body bytes per path since its WithChangeAfter

	failN      int
	failStatus int
	n429       int
	retry429   string

	truncate int64
	lie      int64

	expiringUses int

	liar               Liar
	authUser, authPass string
	cookies            [][2]string

	listener net.Listener

	hls map[string]*HLSSet // AddHLS sets by name
}

func defaultSettings() settings {
	return settings{
		files:        map[string]*fileState{},
		changes:      map[string]change{},
		served:       map[string]int64{},
		busyStatus:   http.StatusServiceUnavailable,
		reset:        Reset{After: Off},
		stallAfter:   Off,
		truncate:     Off,
		expiringUses: 1,
	}
}

// putFile places f at path as a new version (new ETag and Last-Modified).
func (st *settings) putFile(path string, f File) {
	st.version++
	st.files[cleanPath(path)] = newFileState(f, st.version)
}

// WithFile serves f at path (leading "/" optional). Setting it again, even
// with the same File, makes a new version.
func WithFile(path string, f File) Option {
	return func(st *settings) { st.putFile(path, f) }
}

// WithNoRanges makes the server ignore Range and If-Range, always answer
// 200 with the whole file and not send Accept-Ranges.
func WithNoRanges(on bool) Option { return func(st *settings) { st.noRanges = on } }

// WithUnknownLength drops Content-Length and sends bodies chunked. Ranges
// are then ignored unless WithUnknownLengthRanges is also on.
func WithUnknownLength(on bool) Option { return func(st *settings) { st.unknownLength = on } }

// WithUnknownLengthRanges lets a server with unknown length still answer
// ranges, with Content-Range "bytes a-b/*".
func WithUnknownLengthRanges(on bool) Option { return func(st *settings) { st.unknownRanges = on } }

// WithPerConnRate paces every response body to bps bytes per second
// (0 = unlimited). Running bodies pick up a change within one chunk.
func WithPerConnRate(bps int64) Option { return func(st *settings) { st.rate = bps } }

// WithSlowConn sets the slow-response rule and restarts its Nth count.
func WithSlowConn(c SlowConn) Option {
	return func(st *settings) { st.slow, st.slowCount = c, 0 }
}

// WithMaxConns refuses requests while n responses are already in flight
// (n <= 0 = no limit). status is the answer (0 = 503; 429 is the other
// usual one) and retryAfter the raw Retry-After value ("" = none).
func WithMaxConns(n, status int, retryAfter string) Option {
	return func(st *settings) {
		if status == 0 {
			status = http.StatusServiceUnavailable
		}
		st.maxInFlight, st.busyStatus, st.busyRetryAfter = n, status, retryAfter
	}
}

// WithAnswerDelay holds each answer back by what delay returns for the
// request and the number of requests in flight (itself included), before
// any byte of it is sent: a path's queue in front of the answers, or a
// server slow to start them. nil = none.
func WithAnswerDelay(delay func(r *http.Request, inFlight int) time.Duration) Option {
	return func(st *settings) { st.answerDelay = delay }
}

// WithReset sets the reset fault and restarts its Every count.
func WithReset(r Reset) Option {
	return func(st *settings) {
		st.reset, st.resetCount = r, 0
		st.resetRand = rand.New(rand.NewPCG(r.Seed, r.Seed^golden))
	}
}

// WithResetAfter cuts every GET body after n bytes (Off disables).
func WithResetAfter(n int64) Option { return WithReset(Reset{After: n}) }

// WithStall pauses every GET body for d after n bytes (d <= 0 disables).
// A stall ends early when the client goes away or the server closes.
func WithStall(n int64, d time.Duration) Option {
	return func(st *settings) { st.stallAfter, st.stallFor = n, d }
}

// WithChangeAfter replaces the file at path by next once n body bytes of
// path have been served from now on, counting all responses. Responses
// already running keep sending the old content, as a server streaming an
// unlinked file would. One-shot; n < 0 (Off) cancels.
func WithChangeAfter(path string, n int64, next File) Option {
	return func(st *settings) {
		p := cleanPath(path)
		st.served[p] = 0
		if n < 0 {
			delete(st.changes, p)
			return
		}
		st.changes[p] = change{after: n, next: next}
	}
}

// WithFail5xx answers the next n requests with status (0 = 500).
func WithFail5xx(n, status int) Option {
	return func(st *settings) {
		if status == 0 {
			status = http.StatusInternalServerError
		}
		st.failN, st.failStatus = n, status
	}
}

// WithStatus429 answers the next n requests 429 with the raw Retry-After
// value retryAfter ("" = none). WithFail5xx answers are used up first.
func WithStatus429(n int, retryAfter string) Option {
	return func(st *settings) { st.n429, st.retry429 = n, retryAfter }
}

// WithTruncate announces the full Content-Length but closes the connection
// after n body bytes (Off disables).
func WithTruncate(n int64) Option { return func(st *settings) { st.truncate = n } }

// WithLieLength sends extra bytes beyond the announced Content-Length
// (0 disables). net/http refuses to do that, so these responses are written
// raw on the hijacked connection, which is then closed.
func WithLieLength(extra int64) Option { return func(st *settings) { st.lie = extra } }

// WithExpiringUses sets how many requests a one-shot URL from ExpiringPath
// answers before it turns 403 (default 1).
func WithExpiringUses(n int) Option { return func(st *settings) { st.expiringUses = n } }

// WithListener serves on l instead of a fresh 127.0.0.1 port. Only New
// honours it; the server closes l.
func WithListener(l net.Listener) Option { return func(st *settings) { st.listener = l } }
