package nmhost

import "encoding/json"

// Message types the extension sends.
const (
	// TypeHello is the service worker's first message after it starts;
	// the host answers with its version and records the contact.
	TypeHello = "hello"
	// TypePing is a round trip that changes nothing (Settings → Browser →
	// Test, and the extension's options page).
	TypePing = "ping"
	// TypeDownload asks Haul to take over a download.
	TypeDownload = "download"
)

// Error codes in Reply.Error; the extension shows its own translated
// sentence for each and falls back to Reply.Message.
const (
	CodeMalformed   = "malformed"    // not a JSON object, or fields of the wrong type
	CodeTooLarge    = "too-large"    // over MaxIncoming
	CodeUnknownType = "unknown-type" // a type this host does not know
	CodeBadRequest  = "bad-request"  // a download without a usable http(s) URL
	CodeRefused     = "refused"      // the running Haul refused the download
	CodeUnavailable = "unavailable"  // Haul could neither be reached, started nor queued into
)

// Request is one message from the extension. Seq, when set, is echoed in
// the reply so an extension holding a port open can pair them.
type Request struct {
	Type string          `json:"type"`
	Seq  json.RawMessage `json:"seq,omitempty"`
	// Browser is what the extension knows of its browser (a brand name
	// from navigator.userAgentData, or "firefox"); informative only.
	Browser  string    `json:"browser,omitempty"`
	Download *Download `json:"download,omitempty"`
}

// Download is a download the browser was about to make, as the
// extension's downloads API describes it.
type Download struct {
	// URL is the download's final URL (DownloadItem.finalUrl: after
	// redirects), http or https.
	URL string `json:"url"`
	// Referrer is the page the download came from (sent as Referer).
	Referrer string `json:"referrer,omitempty"`
	// Filename is the name the browser suggested: a base name, or a path
	// of which only the last element is used.
	Filename string `json:"filename,omitempty"`
	// FileSize is the expected size in bytes; 0 or -1 when unknown.
	FileSize int64 `json:"fileSize,omitempty"`
	// MIME is the response's media type, when the browser knows it.
	MIME string `json:"mime,omitempty"`
	// UserAgent is the browser's User-Agent, so servers that answer per
	// browser answer Haul the same way.
	UserAgent string `json:"userAgent,omitempty"`
	// Cookies are the browser's cookies for URL (cookies.getAll). They are
	// secrets: sent as one Cookie header, never logged or echoed.
	Cookies []Cookie `json:"cookies,omitempty"`
	// Folder is where the file goes; "" means Haul's download folder.
	Folder string `json:"folder,omitempty"`
}

// Cookie is a name and value; the browser already chose which cookies
// apply to the URL (domain, path, secure, expiry).
type Cookie struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Reply is the host's answer to one Request.
type Reply struct {
	Type string          `json:"type,omitempty"`
	Seq  json.RawMessage `json:"seq,omitempty"`
	OK   bool            `json:"ok"`
	// TaskID is the new task's id after a download was taken.
	TaskID string `json:"taskId,omitempty"`
	// Queued says Haul could not be started and the download waits in
	// its database for the next start.
	Queued bool `json:"queued,omitempty"`
	// Version is Haul's version (hello and ping).
	Version string `json:"version,omitempty"`
	// Error is one of the Code constants when OK is false.
	Error string `json:"error,omitempty"`
	// Message is a sentence for the user (English; the extension shows
	// its own translation of Error when it has one).
	Message string `json:"message,omitempty"`
}
