package nmhost

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"haul/downloader"
)

// Submitter hands a download to Haul: to the running instance, or to one
// it starts, or into the queue of the next start. It is the seam to the
// single-instance hand-off; a Haul that can take options through the
// hand-off implements it directly.
type Submitter interface {
	// Submit adds req and returns the new task's id; queued is true when
	// it waits for Haul's next start. An error wrapping ErrRefused carries
	// the running Haul's reason; ErrUnavailable means nothing took it.
	Submit(ctx context.Context, req downloader.Request) (id string, queued bool, err error)
}

var (
	// ErrRefused means the running Haul answered and refused the download.
	ErrRefused = errors.New("Haul refused the download")
	// ErrUnavailable means Haul could not be reached, started or queued into.
	ErrUnavailable = errors.New("Haul could not take the download")
)

// Host answers one extension's messages.
type Host struct {
	// Submit takes the downloads.
	Submit Submitter
	// Version is answered to hello and ping.
	Version string
	// Seen, when set, records each contact but pings (see RecordSeen);
	// browser is what the extension said of its browser.
	Seen func(browser string)
	// Logf, when set, receives one line per message for diagnosis (stderr,
	// which Chromium forwards to its own log). It never receives cookies.
	Logf func(format string, args ...any)
}

// Serve reads messages from r and answers each on w until r ends (io.EOF:
// the browser closed the port) or ctx is done. A malformed or oversized
// message gets an error reply and the next one is read; only a broken
// stream ends Serve with an error.
func (h *Host) Serve(ctx context.Context, r io.Reader, w io.Writer) error {
	for ctx.Err() == nil {
		raw, err := ReadMessage(r)
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.Is(err, ErrTooLarge):
			if werr := WriteMessage(w, Reply{Error: CodeTooLarge, Message: fmt.Sprintf("The message is larger than %d bytes.", MaxIncoming)}); werr != nil {
				return werr
			}
			continue
		case err != nil:
			return err
		}
		if err := WriteMessage(w, h.Handle(ctx, raw)); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// Handle answers one message's body.
func (h *Host) Handle(ctx context.Context, raw []byte) Reply {
	var req Request
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&req); err != nil || dec.More() || !isObject(raw) {
		return Reply{Error: CodeMalformed, Message: "The message is not a JSON object of the expected form."}
	}
	h.logf("message %q from %q", req.Type, req.Browser)
	// A ping is also Settings' own test, which is not the extension.
	if h.Seen != nil && req.Type != TypePing {
		h.Seen(req.Browser)
	}
	rep := h.handle(ctx, req)
	rep.Type, rep.Seq = req.Type, req.Seq
	return rep
}

func (h *Host) handle(ctx context.Context, req Request) Reply {
	switch req.Type {
	case TypeHello, TypePing:
		return Reply{OK: true, Version: h.Version}
	case TypeDownload:
		return h.download(ctx, req.Download)
	}
	return Reply{Error: CodeUnknownType, Message: fmt.Sprintf("This Haul does not know messages of type %q; update Haul or the extension.", truncate(req.Type, 40))}
}

func (h *Host) download(ctx context.Context, d *Download) Reply {
	if d == nil {
		return Reply{Error: CodeBadRequest, Message: "The message carries no download."}
	}
	req, err := d.Request()
	if err != nil {
		return Reply{Error: CodeBadRequest, Message: err.Error()}
	}
	id, queued, err := h.Submit.Submit(ctx, req)
	switch {
	case errors.Is(err, ErrRefused):
		h.logf("refused: %v", err)
		return Reply{Error: CodeRefused, Message: err.Error()}
	case err != nil:
		h.logf("unavailable: %v", err)
		return Reply{Error: CodeUnavailable, Message: err.Error()}
	}
	h.logf("taken as task %s (queued %v)", id, queued)
	return Reply{OK: true, TaskID: id, Queued: queued}
}

func (h *Host) logf(format string, args ...any) {
	if h.Logf != nil {
		h.Logf(format, args...)
	}
}

func isObject(raw []byte) bool {
	t := bytes.TrimLeft(raw, " \t\r\n")
	return len(t) > 0 && t[0] == '{'
}
