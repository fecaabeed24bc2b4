package downloader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// newRequest builds a GET with the task's headers. User-Agent defaults to
// the manager's; Accept-Encoding is always identity so ranges are file bytes.
// The user's credentials travel only to their origin (see credentials.go).
func newRequest(ctx context.Context, rawURL string, hdr http.Header, userAgent string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", ErrBadURL)
	}
	req.Header.Set("User-Agent", userAgent)
	for k, vs := range hdr {
		req.Header.Del(k)
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Accept-Encoding", "identity")
	stripForeignCredentials(req)
	return req, nil
}

// validator is what If-Range carries: a strong ETag when there is one
// (weak ones are not allowed there), else Last-Modified.
func validator(etag, lastModified string) string {
	if etag != "" && !strings.HasPrefix(etag, "W/") {
		return etag
	}
	return lastModified
}

// rangeSpec is the expected shape of a ranged answer.
type rangeSpec struct {
	start, end int64 // [start, end); end -1 = to the end
	size       int64 // expected total, -1 unknown
	ifRange    string
	// src is what this source URL answered before; every answer is
	// checked against it, not only the first (RFC 9110 §13.1.5).
	src sourceState
	// noRanges: the probe showed the server ignores ranges, so a 200
	// means "cannot resume", not "the file changed".
	noRanges bool
	// plain asks without Range and skips to start: the way left for a
	// server whose range answers are unusable. Only with validators that
	// prove the skipped bytes are the same file, or from offset 0.
	plain bool
}

// openRange asks for r and checks that the answer is exactly that range of
// the same representation. A changed validator or total means the file we
// started with is gone; a 200 with unchanged validators means the server
// cannot serve that range; headers that contradict each other are a
// protocol fault.
func openRange(ctx context.Context, c *http.Client, rawURL string, hdr http.Header, ua string, r rangeSpec) (*http.Response, error) {
	req, err := newRequest(ctx, rawURL, hdr, ua)
	if err != nil {
		return nil, err
	}
	if r.plain {
		return openPlain(c, req, r)
	}
	if r.end >= 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(r.start, 10)+"-"+strconv.FormatInt(r.end-1, 10))
	} else {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(r.start, 10)+"-")
	}
	if r.ifRange != "" {
		req.Header.Set("If-Range", r.ifRange)
	}
	resp, err := do(c, req)
	if err != nil {
		return nil, err
	}
	switch resp.StatusCode {
	case http.StatusPartialContent, http.StatusOK:
		if err := r.src.checkRepresentation(resp); err != nil {
			drain(resp)
			return nil, err
		}
	}
	switch resp.StatusCode {
	case http.StatusPartialContent:
		if err := r.checkPartial(resp); err != nil {
			drain(resp)
			return nil, err
		}
		return resp, nil
	case http.StatusOK:
		drain(resp)
		if r.noRanges {
			return nil, fmt.Errorf("range %d-: %w", r.start, errCannotResume)
		}
		if r.src.known() || r.size >= 0 && resp.ContentLength == r.size {
			// Same validators (checked above) or, lacking any, the same
			// length: the same file, served whole.
			return nil, fmt.Errorf("range %d-: %w", r.start, errRangeIgnored)
		}
		return nil, fmt.Errorf("asked for a range, got the whole file: %w", ErrRemoteChanged)
	case http.StatusRequestedRangeNotSatisfiable:
		drain(resp)
		return nil, fmt.Errorf("range %d- no longer exists: %w", r.start, ErrRemoteChanged)
	default:
		return nil, statusError(resp)
	}
}

// checkPartial checks a 206 against what was asked: the start, the total,
// and a Content-Length that agrees with the Content-Range. A Content-Range
// that ends before the asked end is honest and fine (the rest is asked
// for again); one that starts elsewhere is not the range asked for.
func (r rangeSpec) checkPartial(resp *http.Response) error {
	start, end, total, perr := parseContentRange(resp.Header.Get("Content-Range"))
	switch {
	case perr != nil:
		return protocolf("%v", perr)
	case start != r.start:
		return fmt.Errorf("range %d-: answer starts at %d: %w", r.start, start, ErrRemoteChanged)
	case r.size >= 0 && total != r.size:
		return fmt.Errorf("size went from %d to %d: %w", r.size, total, ErrRemoteChanged)
	case resp.ContentLength >= 0 && resp.ContentLength != end-start+1:
		return protocolf("Content-Range %q but Content-Length %d", resp.Header.Get("Content-Range"), resp.ContentLength)
	}
	return nil
}

// openPlain sends req without Range and expects the whole representation
// with the validators and length seen before; the caller skips to r.start
// (skipTo), feeding its stall watchdog as bytes pass.
func openPlain(c *http.Client, req *http.Request, r rangeSpec) (*http.Response, error) {
	if r.start > 0 && !r.src.known() {
		return nil, fmt.Errorf("range %d-: %w", r.start, errCannotResume)
	}
	resp, err := do(c, req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, statusError(resp)
	}
	if err := r.src.checkRepresentation(resp); err != nil {
		drain(resp)
		return nil, err
	}
	if r.size >= 0 && resp.ContentLength >= 0 && resp.ContentLength != r.size {
		drain(resp)
		return nil, fmt.Errorf("size went from %d to %d: %w", r.size, resp.ContentLength, ErrRemoteChanged)
	}
	return resp, nil
}

// skipTo reads and drops the first n bytes of body into buf, calling
// alive after every read so a long skip is not taken for a stall.
func skipTo(body io.Reader, n int64, buf []byte, alive func()) error {
	for n > 0 {
		k, err := body.Read(buf[:min(int64(len(buf)), n)])
		n -= int64(k)
		alive()
		if err != nil && n > 0 {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("skip to the saved end of a whole-file answer: %w", err)
		}
	}
	return nil
}

// statusError turns an unwanted answer into *StatusError and frees the
// connection for reuse.
func statusError(resp *http.Response) error {
	e := &StatusError{Code: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After")}
	if req := resp.Request; req != nil {
		e.Credentials = req.Header.Get("Authorization") != "" || req.URL.User != nil
	}
	drain(resp)
	return e
}

// drain reads a little of an unwanted body so the connection can be
// reused, then closes it.
func drain(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	_ = resp.Body.Close()
}
