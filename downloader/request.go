package downloader

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// newRequest builds a GET with the task's headers. User-Agent defaults to
// the manager's; Accept-Encoding is always identity so ranges are file bytes.
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
	// noRanges: the probe showed the server ignores ranges, so a 200
	// means "cannot resume", not "the file changed".
	noRanges bool
}

// openRange asks for r and checks that the answer is exactly that range of
// the same file. A 200 to a ranged request, a different total or a
// mismatched Content-Range all mean the file we started with is gone.
func openRange(ctx context.Context, c *http.Client, rawURL string, hdr http.Header, ua string, r rangeSpec) (*http.Response, error) {
	req, err := newRequest(ctx, rawURL, hdr, ua)
	if err != nil {
		return nil, err
	}
	if r.end >= 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(r.start, 10)+"-"+strconv.FormatInt(r.end-1, 10))
	} else {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(r.start, 10)+"-")
	}
	if r.ifRange != "" {
		req.Header.Set("If-Range", r.ifRange)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	switch resp.StatusCode {
	case http.StatusPartialContent:
		start, _, total, perr := ParseContentRange(resp.Header.Get("Content-Range"))
		if perr != nil || start != r.start {
			drain(resp)
			return nil, fmt.Errorf("range %d-: bad Content-Range %q: %w", r.start, resp.Header.Get("Content-Range"), ErrRemoteChanged)
		}
		if r.size >= 0 && total != r.size {
			drain(resp)
			return nil, fmt.Errorf("size went from %d to %d: %w", r.size, total, ErrRemoteChanged)
		}
		return resp, nil
	case http.StatusOK:
		drain(resp)
		if r.noRanges {
			return nil, fmt.Errorf("range %d-: %w", r.start, errCannotResume)
		}
		return nil, fmt.Errorf("asked for a range, got the whole file: %w", ErrRemoteChanged)
	case http.StatusRequestedRangeNotSatisfiable:
		drain(resp)
		return nil, fmt.Errorf("range %d- no longer exists: %w", r.start, ErrRemoteChanged)
	default:
		return nil, statusError(resp)
	}
}

// statusError turns an unwanted answer into *StatusError and frees the
// connection for reuse.
func statusError(resp *http.Response) error {
	e := &StatusError{Code: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After")}
	drain(resp)
	return e
}

// drain reads a little of an unwanted body so the connection can be
// reused, then closes it.
func drain(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	_ = resp.Body.Close()
}
