package rpc

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"haul/downloader"
)

// The single-instance hand-off: a second Haul (a new launch, `haul add`,
// the browser's native messaging host) gives downloads to the one running
// on the same data folder.
//
// Transport: a Unix-domain socket, SocketFile in the data folder, which
// is private to the user (0700), the socket itself 0600. It carries no
// token: whoever may connect is this user, and both ends prove it —
// the client checks, before it sends anything, that the listener is a
// process of the same user and (where the platform tells) the very
// process instance.json names; the server checks the client's user too.
// Peer credentials are SO_PEERCRED on Linux and LOCAL_PEERCRED /
// LOCAL_PEERPID on macOS; Windows (AF_UNIX since Windows 10 1803) has
// none, and relies on the data folder's ACL, which only the user can write.
// So a program of another user that took the RPC port after a crash
// learns nothing: the RPC secret never travels on the hand-off, and the
// random per-start secret of a crashed instance is dead with it.
//
// Wire format: the client writes one JSON Handoff and a newline, the
// server answers one JSON HandoffResult and a newline, then closes.

// SocketFile is the name of the hand-off socket in the data folder.
const SocketFile = "haul.sock"

// Handoff is what a second Haul hands to the running one.
type Handoff struct {
	// Downloads to add, in order. May be empty (only Show).
	Downloads []HandoffDownload `json:"downloads,omitempty"`
	// Show asks the running Haul to bring its window forward.
	Show bool `json:"show,omitempty"`
}

// HandoffDownload is one download and its options, as a browser or the
// command line knows them.
type HandoffDownload struct {
	// URL is an http or https link.
	URL string `json:"url"`
	// Headers are sent with every request of the download: Referer,
	// User-Agent, Authorization, … (RFC 9110 field names).
	Headers http.Header `json:"headers,omitempty"`
	// Cookies is a Cookie header value ("a=1; b=2") for the download's
	// requests, as the browser would send it.
	Cookies string `json:"cookies,omitempty"`
	// Name is the file name to save as; "" lets the server suggest it.
	Name string `json:"name,omitempty"`
	// Folder is an absolute path; "" is the download folder from the
	// settings. A relative path is refused.
	Folder string `json:"folder,omitempty"`
	// Checksum is "ALGO=HEX" (sha256, sha1 or md5), verified at the end.
	Checksum string `json:"checksum,omitempty"`
	// Paused adds the download without starting it.
	Paused bool `json:"paused,omitempty"`
}

// HandoffResult is the running Haul's answer, one entry per download in
// Handoff order.
type HandoffResult struct {
	// IDs are the new task IDs; "" where the download was refused.
	IDs []string `json:"ids"`
	// Errors are sentences saying why a download was refused; "" where
	// it was added.
	Errors []string `json:"errors"`
}

// Err joins the refusals into one error naming each URL, or nil.
func (r HandoffResult) Err(h Handoff) error {
	var errs []error
	for i, e := range r.Errors {
		if e != "" && i < len(h.Downloads) {
			errs = append(errs, fmt.Errorf("%s: %s", h.Downloads[i].URL, e))
		}
	}
	return errors.Join(errs...)
}

// ErrNoInstance: no Haul of this user runs on the data folder (no socket,
// a stale one, or a listener that failed the identity checks). The
// caller carries on itself.
var ErrNoInstance = errors.New("no running Haul on this data folder")

// handoffTimeout bounds a hand-off, so a stuck listener cannot hang a
// launch.
const handoffTimeout = 5 * time.Second

// maxHandoff bounds one hand-off message (cookies of many downloads fit).
const maxHandoff = 4 << 20

// Send gives h to the Haul running on dataDir. It returns ErrNoInstance
// (wrapped, with the reason) when none answers as this user's Haul; then
// nothing was sent. Otherwise the result says, per download, what was
// added; use HandoffResult.Err for a summary.
func Send(ctx context.Context, dataDir string, h Handoff) (HandoffResult, error) {
	ctx, cancel := context.WithTimeout(ctx, handoffTimeout)
	defer cancel()
	in, err := ReadInstanceFile(filepath.Join(dataDir, InstanceFile))
	if err != nil {
		return HandoffResult{}, fmt.Errorf("%w: %v", ErrNoInstance, err)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", filepath.Join(dataDir, SocketFile))
	if err != nil {
		return HandoffResult{}, fmt.Errorf("%w: %v", ErrNoInstance, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	// Nothing is sent before the listener proved to be this user's Haul.
	if err := checkPeer(conn, in.PID); err != nil {
		return HandoffResult{}, fmt.Errorf("%w: %v", ErrNoInstance, err)
	}
	if err := json.NewEncoder(conn).Encode(h); err != nil {
		return HandoffResult{}, fmt.Errorf("%w: send: %v", ErrNoInstance, err)
	}
	var res HandoffResult
	line, err := bufio.NewReader(io.LimitReader(conn, maxHandoff)).ReadBytes('\n')
	if err != nil || json.Unmarshal(line, &res) != nil || len(res.IDs) != len(h.Downloads) || len(res.Errors) != len(h.Downloads) {
		return HandoffResult{}, fmt.Errorf("%w: no valid answer (%v)", ErrNoInstance, err)
	}
	return res, nil
}

// HandOff gives urls, with default options, to the Haul running on
// dataDir, and asks it to show its window. handled is false when no
// instance answers: then the caller carries on itself. err, with handled
// true, says which URLs the running Haul refused.
func HandOff(dataDir string, urls []string) (handled bool, err error) {
	h := Handoff{Show: true}
	for _, u := range urls {
		h.Downloads = append(h.Downloads, HandoffDownload{URL: u})
	}
	_, handled, err = deliver(context.Background(), dataDir, h)
	return handled, err
}

// DownloadOf is the hand-off form of req: its link, name, folder,
// checksum, paused flag and headers, with the Cookie header carried as
// Cookies.
func DownloadOf(req downloader.Request) HandoffDownload {
	d := HandoffDownload{URL: req.URL, Name: req.Name, Folder: req.Folder,
		Checksum: req.Options.Checksum.String(), Paused: req.Paused}
	if len(req.Headers) > 0 {
		d.Headers = req.Headers.Clone()
		d.Cookies = d.Headers.Get("Cookie")
		d.Headers.Del("Cookie")
	}
	return d
}

// HandOffRequests gives reqs, with their options, to the Haul running on
// dataDir without showing its window. handled is false when no instance
// answers (nothing was sent); otherwise ids holds each new task's ID ("" where
// refused) and err names the refusals.
func HandOffRequests(ctx context.Context, dataDir string, reqs []downloader.Request) (ids []string, handled bool, err error) {
	h := Handoff{}
	for _, r := range reqs {
		h.Downloads = append(h.Downloads, DownloadOf(r))
	}
	return deliver(ctx, dataDir, h)
}

// deliver is Send for HandOff and HandOffRequests: handled is false when
// no instance answers; otherwise ids are the new task IDs and err names
// the refusals.
func deliver(ctx context.Context, dataDir string, h Handoff) (ids []string, handled bool, err error) {
	res, err := Send(ctx, dataDir, h)
	if errors.Is(err, ErrNoInstance) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return res.IDs, true, res.Err(h)
}

// errNotOurs says a socket peer is not this user's Haul.
func errNotOurs(what string, got, want int) error {
	return fmt.Errorf("the hand-off socket's %s is %d, not %d: not this user's Haul", what, got, want)
}
