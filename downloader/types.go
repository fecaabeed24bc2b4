package downloader

import (
	"net/http"
	"time"
)

// State is where a task is in its lifecycle:
// Queued → Active → (Paused | Completed | Failed).
type State string

const (
	StateQueued    State = "queued"
	StateActive    State = "active"
	StatePaused    State = "paused"
	StateCompleted State = "completed"
	StateFailed    State = "failed"
)

// Phase refines StateActive for the UI.
type Phase string

const (
	PhaseNone           Phase = ""
	PhaseProbing        Phase = "probing"
	PhaseDownloading    Phase = "downloading"
	PhaseRetrying       Phase = "retrying"
	PhaseWaitingNetwork Phase = "waiting for network"
	PhaseVerifying      Phase = "verifying"
)

// Options are the per-task knobs a user may set when adding a task and
// change later with Manager.SetOptions. Zero values mean "use the
// manager's setting".
type Options struct {
	// Connections is the most parallel connections for this task (1..64).
	Connections int `json:"connections,omitempty"`
	// SpeedLimit caps this task in bytes per second; 0 means unlimited.
	SpeedLimit int64 `json:"speedLimit,omitempty"`
	// Checksum is verified when the download ends; the zero value
	// verifies nothing. Build it with ParseChecksum; in JSON it is the
	// string "ALGO=HEX" with ALGO one of sha256, sha1, md5.
	Checksum Checksum `json:"checksum,omitzero"`
	// Headers are sent with every request (Cookie, Referer, User-Agent, …).
	Headers http.Header `json:"headers,omitempty"`
	// Variant picks the variant of an HLS master playlist: "" or "best"
	// (highest bandwidth), "worst", or "720p" (the highest variant at
	// most 720 pixels tall).
	Variant string `json:"variant,omitempty"`
	// Remux "mp4" turns a finished MPEG-TS video into MP4 with ffmpeg
	// (stream copy) when ffmpeg is on PATH; "" keeps the .ts.
	Remux string `json:"remux,omitempty"`
	// Proxy is an http, https or socks5 proxy URL for this task only
	// (ParseProxy); "" uses Settings.Proxy. It applies from the next
	// connection attempt (taskproxy.go).
	Proxy string `json:"proxy,omitempty"`
}

// Request describes a download to add.
type Request struct {
	URL string
	// Folder is where the file goes; "" means Settings.Folder.
	Folder string
	// Name overrides the server's file name; "" means learn it from the server.
	Name string
	Options
	// Paused adds the task without starting it.
	Paused bool
	// Mirrors are more links of the same file, used when URL stops
	// working; each is admitted by the same-file check first.
	Mirrors []string
	// own: added as a download of its own, not offered to one waiting
	// for a fresh link (freshlink.go).
	own bool
}

// Segment is a byte range [Start, End) of the file of which the first Done
// bytes are on disk. End is -1 while the file size is unknown.
type Segment struct {
	Start int64 `json:"s"`
	End   int64 `json:"e"`
	Done  int64 `json:"d"`
}

// SegmentState is a Segment as shown to a UI, with whether a connection is
// working on it right now.
type SegmentState struct {
	Segment
	Active bool
}

// LogEntry is one line of a task's error log.
type LogEntry struct {
	Time time.Time `json:"t"`
	Text string    `json:"m"`
}

// Snapshot is a value copy of one task, safe to keep and read from any
// goroutine. It carries everything a UI shows.
type Snapshot struct {
	ID string
	// URL is the link as given, credentials included (programs match on
	// it); show it through RedactURL.
	URL string
	// FinalURL is where the link led, without userinfo.
	FinalURL string
	Folder   string
	// Name is the final file name (after collision renaming once known).
	Name string
	// Size is the total size in bytes, or -1 when unknown.
	Size int64
	// Done is how many bytes are on disk and counted.
	Done int64
	// Speed is the current transfer rate in bytes per second.
	Speed int64
	// ETA is the estimated time left, or -1 when unknown.
	ETA   time.Duration
	State State
	Phase Phase
	// Error is a sentence a user can act on; empty when all is well.
	Error string
	// ErrorKind classifies Error for programs; KindNone when all is well.
	ErrorKind ErrorKind
	// Connections is how many connections are transferring right now.
	Connections int
	// Resumable tells whether the server honours byte ranges.
	Resumable    bool
	ETag         string
	LastModified string
	Segments     []SegmentState
	Options      Options
	Log          []LogEntry
	// Position is the task's place in the queue (0 first).
	Position int
	// Broken is set when the task's record could not be read; such a task
	// can only be removed.
	Broken bool
	// StartNow: the task runs whatever the schedule says.
	StartNow bool
	Created  time.Time
	Started  time.Time
	Finished time.Time
	// Kind is KindVideo for an HLS stream, else KindFile.
	Kind Kind
	// Video describes an HLS task; zero for files.
	Video VideoInfo
	// Category is the kind of file (from the name until the probe).
	Category Category
	// AutoFolder: added without a folder; the default or category folder.
	AutoFolder bool
	// Mirrors are more links of the same file (see TaskRecord.Mirrors).
	Mirrors []string
	// Verification is the checksum the finished file is (or was)
	// checked against and where it came from; zero when none.
	Verification Verification
}

// Path is the full path of the finished file.
func (s Snapshot) Path() string { return joinPath(s.Folder, s.Name) }

// Progress is Done/Size in [0,1], or 0 when the size is unknown.
func (s Snapshot) Progress() float64 {
	if s.Size <= 0 {
		if s.State == StateCompleted {
			return 1
		}
		if v := s.Video; v.SegmentsTotal > 0 {
			return float64(v.SegmentsDone) / float64(v.SegmentsTotal)
		}
		return 0
	}
	return float64(s.Done) / float64(s.Size)
}

// EventKind says what happened to the task in an Event.
type EventKind int

const (
	// EventAdded: a new task exists.
	EventAdded EventKind = iota
	// EventChanged: state, phase, options, name or position changed.
	EventChanged
	// EventProgress: only counters moved; these are coalesced.
	EventProgress
	// EventRemoved: the task is gone; Task holds its last snapshot.
	EventRemoved
	// EventSettings: the settings in force changed (saved, a session
	// override, kept); Task is zero. Read Manager.Settings for the new
	// values. Several changes may arrive as one event.
	EventSettings
)

// Event is delivered on a subscription channel.
type Event struct {
	Kind EventKind
	// Task is the task's snapshot; zero for EventSettings.
	Task Snapshot
}

// Settings are the manager-wide preferences, persisted in the store.
//
// The values in force are layered, each layer in one place (see the
// package doc, "Settings layers"): the saved settings (SetSettings),
// overridden field by field for this run by a connected app
// (SetSessionSettings, session.go); the schedule then replaces
// GlobalLimit during its hours and holds the queue outside them
// (scheduler.go, EffectiveLimit); a site's rule caps the connections and
// speed of the tasks on that site (sites.go, Site). Settings returns the
// first two layers; ScheduleState and a task's snapshot show the rest.
// Manager announces each change with EventSettings.
type Settings struct {
	// Folder is the default download folder, an absolute path.
	Folder string `json:"folder"`
	// MaxActive is how many tasks run at once (tasks, 1..100).
	MaxActive int `json:"maxActive"`
	// Connections is the default connections per task: ConnectionsAuto
	// (0) lets the engine grow it up to AutoConnections while that pays;
	// 1..MaxConnections pins the ceiling (connections).
	Connections int `json:"connections"`
	// PerHost caps connections to one host across all tasks
	// (connections, 1..256).
	PerHost int `json:"perHost"`
	// GlobalLimit caps the total speed in bytes per second; 0 = unlimited.
	GlobalLimit int64 `json:"globalLimit"`
	// MinSplit is the smallest range a connection may split off, in bytes.
	MinSplit int64 `json:"minSplit"`
	// Proxy is an http, https or socks5 proxy URL for every request;
	// "" uses HTTP_PROXY, HTTPS_PROXY and NO_PROXY from the environment.
	Proxy string `json:"proxy,omitempty"`
	// UserAgent is sent unless a task sets its own; "" means
	// Config.UserAgent.
	UserAgent string `json:"userAgent,omitempty"`
	// Schedule says when the queue runs and the speed limits by hour
	// (times of day in the local zone, limits in bytes per second).
	Schedule Schedule `json:"schedule,omitzero"`
	// UI holds front-end preferences the engine does not interpret,
	// strings keyed by the front end's own names. It is never a session
	// override: it is always saved.
	UI map[string]string `json:"ui,omitempty"`
	// Categories are the category lists and folder sorting.
	Categories CategorySettings `json:"categories,omitzero"`
	// Sites are per-site settings, keyed by host pattern: a matching
	// site's connection counts replace Connections and PerHost for its
	// tasks, and its speed limit (bytes per second) caps each of them.
	Sites []Site `json:"sites,omitempty"`
}

// Limits on user-settable values: connections per task, tasks at once,
// connections per host, and the smallest split in bytes.
const (
	// ConnectionsAuto, stored as Settings.Connections, lets the engine
	// choose: slow start to 16, then more (up to AutoConnections) only
	// while each doubling raises the task's throughput (ramp.go).
	ConnectionsAuto    = 0
	DefaultConnections = ConnectionsAuto
	// AutoConnections is the automatic count's ceiling, and the number
	// shown where a front end needs one (aria2's RPC options).
	AutoConnections  = 32
	MaxConnections   = 64
	DefaultMaxActive = 3
	// DefaultPerHost follows the automatic ceiling, so one task can reach it.
	DefaultPerHost  = AutoConnections
	DefaultMinSplit = 1 << 20
)

// DefaultSettings returns the settings used when none are stored.
func DefaultSettings(folder string) Settings {
	return Settings{
		Folder:      folder,
		MaxActive:   DefaultMaxActive,
		Connections: DefaultConnections,
		PerHost:     DefaultPerHost,
		MinSplit:    DefaultMinSplit,
	}
}
