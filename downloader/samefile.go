package downloader

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
)

// The same-file check: before a new source (a changed link, a mirror)
// may send bytes for a task, it must show it serves the same
// representation as the bytes already on disk.

const (
	// sampleSize and maxSamples bound what the check reads again: four
	// ranges of 64 KiB spread over the bytes on disk, 256 KiB in all.
	sampleSize = 64 << 10
	maxSamples = 4
)

// sourceCheck is what the check learned of a source that passed.
type sourceCheck struct {
	finalURL           string
	size               int64 // total from Content-Range; -1 unknown
	etag, lastModified string
	known              bool // the source sent a validator
	fresh              bool // no byte on disk yet: nothing to compare with
	how                string
	digest             *Verification // a whole-file checksum in its headers
}

// checkSameFile asks raw for one byte (learning its total and
// validators), then compares: the size must match; validators equal on
// both sides admit the source at once; otherwise up to maxSamples ranges
// of bytes already on disk are fetched from raw into memory and compared.
// Nothing fetched is written. Errors: *linkError (ErrDifferentFile,
// ErrCannotCompare), *StatusError, network errors.
func (t *task) checkSameFile(ctx context.Context, raw string) (sourceCheck, error) {
	t.mu.Lock()
	size, etag, lm, name := t.rec.Size, t.rec.ETag, t.rec.LastModified, t.rec.Name
	digest := t.rec.Digest
	segs := slices.Clone(t.rec.Segments)
	part := filepath.Join(t.rec.Folder, t.rec.Name+partSuffix)
	hdr := t.rec.Options.Headers.Clone()
	client := t.clientLocked()
	t.mu.Unlock()
	ctx = withCredentials(t.withProxy(ctx), newCredentials(raw, hdr))
	src := sampler{ctx: ctx, c: client, url: raw, hdr: hdr, ua: t.m.effectiveUserAgent()}
	head, got, err := src.fetch(0, 1)
	if err != nil {
		return got, err
	}
	if doneBytes(segs) == 0 || name == "" {
		got.fresh = true
		got.how = "nothing was downloaded yet"
		return got, nil
	}
	if size >= 0 && got.size != size {
		return got, &linkError{err: ErrDifferentFile, why: fmt.Sprintf("%s instead of %s", FormatBytes(got.size), FormatBytes(size))}
	}
	if digest != nil && got.digest != nil && digest.Algo == got.digest.Algo {
		// Both publish a checksum of the whole file: it decides.
		if digest.Sum != got.digest.Sum {
			return got, &linkError{err: ErrDifferentFile, why: "its " + digest.AlgoName() + " checksum differs"}
		}
		got.how = "same size and " + digest.AlgoName() + " checksum"
		return got, nil
	}
	switch {
	case etag != "" && got.etag != "" && etag == got.etag:
		got.how = "same size and ETag"
		return got, nil
	case etag == "" && got.etag == "" && lm != "" && lm == got.lastModified:
		got.how = "same size and date"
		return got, nil
	}
	compared := int64(0)
	for _, s := range append([]Segment{{Start: 0, End: 1, Done: 1}}, sampleRanges(segs)...) {
		var body []byte
		if s.Start == 0 && s.Done == 1 {
			body = head
		} else if body, _, err = src.fetch(s.Start, s.Done); err != nil {
			return got, err
		}
		mine, err := readPart(t.m.fs, part, s)
		if err != nil {
			return got, err
		}
		if !bytes.Equal(body, mine) {
			return got, &linkError{err: ErrDifferentFile, why: "its bytes at " + FormatBytes(s.Start) + " differ from those downloaded"}
		}
		compared += s.Done
	}
	got.how = fmt.Sprintf("same size, %s of downloaded bytes compared", FormatBytes(compared))
	return got, nil
}

// sampleRanges picks up to maxSamples ranges of at most sampleSize bytes
// inside the bytes on disk, spread evenly over them. Each returned
// Segment is [Start, Start+Done).
func sampleRanges(segs []Segment) []Segment {
	total := doneBytes(segs)
	var out []Segment
	for k := range int64(maxSamples) {
		// The k-th sample is centred on the (2k+1)/2n point of the bytes
		// on disk, counted across the segments.
		at := total * (2*k + 1) / (2 * maxSamples)
		for _, s := range segs {
			if at >= s.Done {
				at -= s.Done
				continue
			}
			start := max(s.Start, s.Start+at-sampleSize/2)
			n := min(sampleSize, s.pos()-start)
			if len(out) == 0 || out[len(out)-1].pos() <= start {
				out = append(out, Segment{Start: start, End: start + n, Done: n})
			}
			break
		}
	}
	return out
}

// sampler fetches small ranges of one source into memory.
type sampler struct {
	ctx context.Context
	c   *http.Client
	url string
	hdr http.Header
	ua  string
}

// fetch returns n bytes at off, and what the answer says of the source.
// A 200 to a range request means the server cannot send parts:
// ErrCannotCompare.
func (s sampler) fetch(off, n int64) ([]byte, sourceCheck, error) {
	got := sourceCheck{size: -1}
	req, err := newRequest(s.ctx, s.url, s.hdr, s.ua)
	if err != nil {
		return nil, got, err
	}
	req.Header.Set("Range", "bytes="+strconv.FormatInt(off, 10)+"-"+strconv.FormatInt(off+n-1, 10))
	resp, err := do(s.c, req)
	if err != nil {
		return nil, got, err
	}
	final := *resp.Request.URL
	final.User = nil
	got.finalURL = final.String()
	got.etag, got.lastModified = resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	got.known = got.etag != "" || got.lastModified != ""
	got.digest = digestOf(resp)
	switch resp.StatusCode {
	case http.StatusPartialContent:
	case http.StatusOK:
		drain(resp)
		return nil, got, &linkError{err: ErrCannotCompare, why: "its server does not send parts of files"}
	default:
		return nil, got, statusError(resp)
	}
	defer resp.Body.Close()
	start, _, total, perr := parseContentRange(resp.Header.Get("Content-Range"))
	if perr != nil || start != off {
		return nil, got, protocolf("asked for bytes from %d, got Content-Range %q", off, resp.Header.Get("Content-Range"))
	}
	got.size = total
	body := make([]byte, n)
	if _, err := io.ReadFull(resp.Body, body); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, got, fmt.Errorf("read sample at %d: %w", off, err)
	}
	return body, got, nil
}

// readPart reads the bytes of s from the part file at path.
func readPart(fsys FileSystem, path string, s Segment) ([]byte, error) {
	f, err := fsys.OpenRead(path)
	if err != nil {
		return nil, fmt.Errorf("open part file for the same-file check: %w", err)
	}
	defer f.Close()
	buf := make([]byte, s.Done)
	if ra, ok := f.(io.ReaderAt); ok {
		_, err = ra.ReadAt(buf, s.Start)
	} else if _, err = io.CopyN(io.Discard, f, s.Start); err == nil {
		_, err = io.ReadFull(f, buf)
	}
	if err != nil {
		return nil, fmt.Errorf("read part file for the same-file check: %w", err)
	}
	return buf, nil
}
