package downloader

import (
	"errors"
	"fmt"
	"net/http"
)

// errRangeIgnored: the server answered a range request with the whole
// representation (200) but the same validators, so the file did not
// change; the server just cannot serve that range (RFC 9110 §14.2 lets it
// ignore Range). The connection is dropped or falls back to one stream.
var errRangeIgnored = errors.New("the server answered a range request with the whole file")

// sourceState is what one source URL answered before: its validators
// (RFC 9110 §8.8) and content coding. A later answer of the same source
// that differs is a new representation; its bytes are never written
// next to the old ones.
type sourceState struct {
	etag, lastModified string
	encoding           string // Content-Encoding, "" = identity
}

// sourceOf reads the representation metadata of resp.
func sourceOf(resp *http.Response) sourceState {
	return sourceState{
		etag:         resp.Header.Get("ETag"),
		lastModified: resp.Header.Get("Last-Modified"),
		encoding:     contentCoding(resp.Header),
	}
}

// contentCoding is the response's Content-Encoding, "" for identity.
func contentCoding(h http.Header) string {
	v := h.Get("Content-Encoding")
	if v == "identity" {
		return ""
	}
	return v
}

// changedFrom reports how resp's validators differ from what this source
// answered before: the ETag when both carry one, else Last-Modified when
// both carry one (RFC 9110 §13.1.5: a strong validator that differs means
// a different representation). "" when they agree or cannot be compared.
func (s sourceState) changedFrom(resp *http.Response) string {
	now := sourceOf(resp)
	switch {
	case s.etag != "" && now.etag != "":
		if s.etag != now.etag {
			return fmt.Sprintf("ETag %s became %s", s.etag, now.etag)
		}
		return ""
	case s.lastModified != "" && now.lastModified != "":
		if s.lastModified != now.lastModified {
			return fmt.Sprintf("Last-Modified %s became %s", s.lastModified, now.lastModified)
		}
	}
	return ""
}

// known reports whether there is any validator to compare with.
func (s sourceState) known() bool { return s.etag != "" || s.lastModified != "" }

// checkRepresentation rejects an answer whose validators or content coding
// differ from what the source sent before. A changed validator is
// ErrRemoteChanged (restart from zero); a changed coding means the bytes
// are of another encoding of the file, which the server should not do
// for the same validator: a protocol fault.
func (s sourceState) checkRepresentation(resp *http.Response) error {
	if why := s.changedFrom(resp); why != "" {
		return fmt.Errorf("%s: %w", why, ErrRemoteChanged)
	}
	if now := contentCoding(resp.Header); now != s.encoding {
		return protocolf("Content-Encoding %q where the first answer had %q", now, s.encoding)
	}
	return nil
}

// rangeSpec is the shape every ranged answer of the recorded source must
// have.
func (rec *TaskRecord) rangeSpec() rangeSpec {
	return rangeSpec{
		size:     rec.Size,
		ifRange:  validator(rec.ETag, rec.LastModified),
		noRanges: !rec.Resumable,
		src:      sourceState{etag: rec.ETag, lastModified: rec.LastModified, encoding: rec.ContentEncoding},
	}
}
