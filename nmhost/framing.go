package nmhost

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxIncoming is the largest message the host reads, in bytes. Chromium
// allows up to 64 MiB towards a host; a download request with its cookies
// is a few KiB, so anything larger is refused without reading it into
// memory.
const MaxIncoming = 1 << 20

// MaxOutgoing is the largest message a host may send, in bytes (1 MiB,
// the browsers' limit for host → extension messages).
const MaxOutgoing = 1 << 20

var (
	// ErrTooLarge means a message's length prefix exceeds MaxIncoming (or
	// an answer exceeds MaxOutgoing). The message's bytes were skipped, so
	// the stream is still in step.
	ErrTooLarge = errors.New("native message too large")
	// ErrMalformed means a message is not a JSON object.
	ErrMalformed = errors.New("native message is not a JSON object")
)

// ReadMessage reads one message: a 32-bit length in native byte order
// (little-endian on every platform browsers run on) followed by that many
// bytes of UTF-8 JSON. It returns io.EOF when the browser closed the
// stream between messages, io.ErrUnexpectedEOF when it closed mid-message,
// and ErrTooLarge (after skipping the body) for an oversized one.
func ReadMessage(r io.Reader) (json.RawMessage, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err // io.EOF at a clean boundary
	}
	n := binary.LittleEndian.Uint32(hdr[:])
	if n > MaxIncoming {
		if _, err := io.CopyN(io.Discard, r, int64(n)); err != nil {
			return nil, fmt.Errorf("skip a %d-byte message: %w", n, io.ErrUnexpectedEOF)
		}
		return nil, fmt.Errorf("%w: %d bytes (at most %d)", ErrTooLarge, n, MaxIncoming)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("read a %d-byte message: %w", n, io.ErrUnexpectedEOF)
	}
	return body, nil
}

// WriteMessage encodes v as JSON and writes it framed, in one Write so
// a message is never interleaved with another.
func WriteMessage(w io.Writer, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode native message: %w", err)
	}
	if len(body) > MaxOutgoing {
		return fmt.Errorf("%w: answer of %d bytes", ErrTooLarge, len(body))
	}
	buf := make([]byte, 4+len(body))
	binary.LittleEndian.PutUint32(buf, uint32(len(body)))
	copy(buf[4:], body)
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("write native message: %w", err)
	}
	return nil
}
