package downloader

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/text/encoding"
)

// probed is what the first answer taught us about the remote file.
type probed struct {
	finalURL     string
	size         int64 // -1 unknown
	resumable    bool  // the server answered 206 to bytes=0-N
	etag         string
	lastModified string
	encoding     string        // Content-Encoding, "" = identity
	name         string        // suggested by the server or URL, unsanitised
	mediaType    string        // Content-Type without parameters, lower case
	playlist     bool          // the answer is an HLS playlist: a video task
	digest       *Verification // a whole-file checksum in the headers
	// body streams the file from offset 0; it becomes the first
	// connection's stream so the probe costs no extra round trip.
	body io.ReadCloser
	// bodyEnd is where a ranged body ends (exclusive); 0 when it runs to
	// the end of the file.
	bodyEnd int64
}

// probe sends one GET with Range: bytes=0-N (HEAD lies too often) and
// learns size, range support, validators, name and final URL. plain sends
// no Range: the second try when the ranged one met a bare 416 (some
// servers answer so for an empty file) or a protocol fault.
// legacy is the charset for names that are not UTF-8 (charset.go).
func probe(ctx context.Context, c *http.Client, rawURL string, hdr http.Header, ua string, plain bool, legacy encoding.Encoding) (_ *probed, err error) {
	// The body outlives this call (it becomes the first connection's
	// stream), so it gets its own context: the stall watchdog of the
	// connection that reads it must be able to abort it.
	ctx, cancel := context.WithCancelCause(ctx)
	defer func() {
		if err != nil {
			cancel(nil)
		}
	}()
	req, err := newRequest(ctx, rawURL, hdr, ua)
	if err != nil {
		return nil, err
	}
	if !plain {
		// Bounded like every other request (reqspan.go): the second
		// connection then splits where this answer ends instead of
		// cutting an open stream.
		req.Header.Set("Range", fmt.Sprintf("bytes=0-%d", probeSpan-1))
	}
	// Silent headers are a stall like a silent body, under the same rule
	// as every other request: replaced after StallTimeout and retried,
	// not failed by the transport's ResponseHeaderTimeout.
	watchdog := time.AfterFunc(StallTimeout, func() { cancel(ErrNoProgress) })
	resp, err := do(c, req)
	watchdog.Stop()
	if err != nil {
		return nil, causeOf(ctx, err)
	}
	// The final URL is kept without userinfo: shown to users, it must
	// not carry a password, and requests to the origin get it back
	// from the task's credentials.
	final := *resp.Request.URL
	final.User = nil
	p := &probed{
		finalURL:     final.String(),
		size:         -1,
		etag:         resp.Header.Get("ETag"),
		lastModified: resp.Header.Get("Last-Modified"),
		encoding:     contentCoding(resp.Header),
	}
	p.digest = digestOf(resp)
	p.mediaType, _, _ = mime.ParseMediaType(resp.Header.Get("Content-Type"))
	p.name = fileNameFromResponseLegacy(resp.Header.Get("Content-Disposition"), resp.Request.URL, resp.Header.Get("Content-Type"), legacy)
	switch resp.StatusCode {
	case http.StatusPartialContent:
		spec := rangeSpec{start: 0, end: -1, size: -1}
		if err := spec.checkPartial(resp); err != nil {
			drain(resp)
			return nil, fmt.Errorf("probe: %w", err)
		}
		_, end, total, _ := parseContentRange(resp.Header.Get("Content-Range"))
		if total < 0 && end+1 >= probeSpan {
			// A part of unknown total: the rest is asked for without Range.
			drain(resp)
			return nil, protocolf("probe: a ranged answer without the file's size")
		}
		p.size = total
		p.bodyEnd = end + 1
		p.resumable = true
	case http.StatusOK:
		if resp.ContentLength >= 0 {
			p.size = resp.ContentLength
		}
	case http.StatusRequestedRangeNotSatisfiable:
		// bytes=0- on an empty file: "bytes */0". A bare 416 (no
		// Content-Range) is asked again without Range by the caller.
		_, _, total, perr := parseContentRange(resp.Header.Get("Content-Range"))
		drain(resp)
		if perr != nil || total != 0 {
			return nil, fmt.Errorf("probe: %w", errBare416)
		}
		p.size = 0
		p.resumable = true
		p.body = io.NopCloser(eofReader{})
		cancel(nil)
		return p, nil
	default:
		return nil, fmt.Errorf("probe: %w", statusError(resp))
	}
	if p.playlist, err = sniffPlaylist(resp, cancel); err != nil {
		return nil, fmt.Errorf("probe: %w", err)
	}
	p.body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return p, nil
}

// cancelBody is a response body that can be aborted from another
// goroutine through its request's context, which a blocked Read obeys.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelCauseFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel(nil)
	return err
}

// abort ends a Read that is waiting for data.
func (b *cancelBody) abort(cause error) { b.cancel(cause) }

// errBare416: the probe's bytes=0- was refused without saying the size.
var errBare416 = &StatusError{Code: http.StatusRequestedRangeNotSatisfiable}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// formatRange is used in log lines.
func formatRange(start, end int64) string {
	if end < 0 {
		return strconv.FormatInt(start, 10) + "-"
	}
	return strconv.FormatInt(start, 10) + "-" + strconv.FormatInt(end-1, 10)
}
