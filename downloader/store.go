package downloader

import "time"

// RecordVersion is written into every TaskRecord; a store refuses records
// from a newer version instead of misreading them.
const RecordVersion = 1

// TaskRecord is what the engine persists about a task. It is a plain value:
// the Store encodes it however it likes.
type TaskRecord struct {
	Version   int    `json:"v"`
	ID        string `json:"id"`
	URL       string `json:"url"`
	FinalURL  string `json:"finalUrl,omitempty"`
	Folder    string `json:"folder"`
	Name      string `json:"name,omitempty"`
	NameFixed bool   `json:"nameFixed,omitempty"` // the user chose the name
	// PartOwned says the part file of Name was created by this task, so
	// one found without recorded progress may be deleted.
	PartOwned bool `json:"partOwned,omitempty"`
	// PartID is the identity of the part file when it was created (see
	// FileSystem.Identity): a different file or a link at name.part is
	// never resumed from. Empty when unknown.
	PartID string `json:"partId,omitempty"`
	// Target is the final name chosen for the finished file, recorded
	// before the rename so a run stopped between the rename and the
	// Completed record finds the file and adopts it.
	Target       string  `json:"target,omitempty"`
	Options      Options `json:"options"`
	Size         int64   `json:"size"` // bytes; -1 while unknown
	ETag         string  `json:"etag,omitempty"`
	LastModified string  `json:"lastModified,omitempty"`
	Resumable    bool    `json:"resumable,omitempty"`
	// ContentEncoding is the probe's Content-Encoding ("" = identity);
	// every later answer must carry the same.
	ContentEncoding string `json:"contentEncoding,omitempty"`
	// Cookies the servers set for this task, so a restart keeps the
	// session; dropped when the task completes.
	Cookies   []SavedCookie `json:"cookies,omitempty"`
	State     State         `json:"state"`
	Error     string        `json:"error,omitempty"`
	ErrorKind ErrorKind     `json:"errorKind,omitempty"`
	Log       []LogEntry    `json:"log,omitempty"`
	Order     int64         `json:"order"`
	Created   time.Time     `json:"created"`
	Finished  time.Time     `json:"finished,omitempty"`
	// Video is the plan of an HLS task; nil for a file.
	Video *VideoRecord `json:"video,omitempty"`
	// StartNow: the task runs whatever the schedule says.
	StartNow bool `json:"startNow,omitempty"`
	// Category is the kind of file, decided at the probe.
	Category Category `json:"category,omitempty"`
	// AutoFolder: the task was added without a folder, so sorting by
	// category may choose it.
	AutoFolder bool `json:"autoFolder,omitempty"`
	// Mirrors are more links of the same file (ChangeURL's check admits
	// each before its bytes are used); URL stays the main one.
	Mirrors []string `json:"mirrors,omitempty"`
	// Digest is the checksum the server or a sidecar file offered for
	// the whole file, verified when the download ends; nil when none.
	Digest *Verification `json:"digest,omitempty"`
	// Verified is set when the finished file matched its checksum.
	Verified bool `json:"verified,omitempty"`
	// Segments live in their own bucket; the store fills them on load.
	Segments []Segment `json:"-"`
	// Broken is set by the store (never persisted) when the record could
	// not be decoded: a sentence saying why. Only ID is meaningful then.
	Broken string `json:"-"`
}

// Store persists tasks, their segment counters and the settings. It is
// declared here, by its consumer; downloader/store implements it on bbolt.
// Implementations must be safe for concurrent use.
type Store interface {
	// LoadTasks returns every record with its segments. A record that
	// cannot be decoded is returned with Broken set, never dropped, and
	// never fails the whole load.
	LoadTasks() ([]TaskRecord, error)
	// PutTask writes the record and its segments in one transaction.
	PutTask(rec TaskRecord) error
	// PutSegments writes only the segment counters of a task, in one
	// transaction. The caller has already synced the bytes they claim.
	PutSegments(id string, segs []Segment) error
	// DeleteTask removes the record and its segments.
	DeleteTask(id string) error
	// LoadSettings returns the stored settings, ok=false when none are.
	LoadSettings() (s Settings, ok bool, err error)
	PutSettings(s Settings) error
	Close() error
}
