package nmhost

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"haul/downloader"
)

// frame is a raw native message: a little-endian length and body.
func frame(body string) []byte {
	b := make([]byte, 4+len(body))
	binary.LittleEndian.PutUint32(b, uint32(len(body)))
	copy(b[4:], body)
	return b
}

func TestReadMessage(t *testing.T) {
	big := make([]byte, 4)
	binary.LittleEndian.PutUint32(big, MaxIncoming+1)
	tests := []struct {
		name    string
		in      []byte
		want    string
		wantErr error
	}{
		{"object", frame(`{"type":"ping"}`), `{"type":"ping"}`, nil},
		{"empty stream", nil, "", io.EOF},
		{"short header", []byte{1, 0}, "", io.ErrUnexpectedEOF},
		{"short body", frame(`{"type":"ping"}`)[:8], "", io.ErrUnexpectedEOF},
		{"oversized, body present", append(big, make([]byte, MaxIncoming+1)...), "", ErrTooLarge},
		{"oversized, body missing", big, "", io.ErrUnexpectedEOF},
		{"max size", frame(strings.Repeat(" ", MaxIncoming)), strings.Repeat(" ", MaxIncoming), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadMessage(bytes.NewReader(tt.in))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if string(got) != tt.want {
				t.Errorf("got %d bytes, want %d", len(got), len(tt.want))
			}
		})
	}
}

func TestWriteMessageRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteMessage(&buf, Reply{OK: true, TaskID: "abc"}); err != nil {
		t.Fatal(err)
	}
	raw, err := ReadMessage(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != `{"ok":true,"taskId":"abc"}` {
		t.Errorf("round trip: %s", raw)
	}
	if err := WriteMessage(&buf, strings.Repeat("x", MaxOutgoing)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized answer: err = %v, want ErrTooLarge", err)
	}
}

// fakeSubmitter records requests and answers with id or err.
type fakeSubmitter struct {
	reqs []downloader.Request
	id   string
	err  error
}

func (f *fakeSubmitter) Submit(_ context.Context, req downloader.Request) (string, bool, error) {
	f.reqs = append(f.reqs, req)
	return f.id, false, f.err
}

// serve runs a host over in and returns its replies.
func serve(t *testing.T, h *Host, in []byte) []Reply {
	t.Helper()
	var out bytes.Buffer
	if err := h.Serve(context.Background(), bytes.NewReader(in), &out); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	var replies []Reply
	for {
		raw, err := ReadMessage(&out)
		if errors.Is(err, io.EOF) {
			return replies
		}
		if err != nil {
			t.Fatalf("read reply: %v", err)
		}
		var r Reply
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatalf("reply is not JSON: %s", raw)
		}
		replies = append(replies, r)
	}
}

// TestServeBadMessages: every bad message gets a JSON error and the next
// message is still answered.
func TestServeBadMessages(t *testing.T) {
	big := make([]byte, 4)
	binary.LittleEndian.PutUint32(big, MaxIncoming+10)
	big = append(big, make([]byte, MaxIncoming+10)...)
	tests := []struct {
		name string
		in   []byte
		code string
	}{
		{"not JSON", frame(`hello`), CodeMalformed},
		{"JSON array", frame(`[1,2]`), CodeMalformed},
		{"JSON string", frame(`"ping"`), CodeMalformed},
		{"two values", frame(`{"type":"ping"}{}`), CodeMalformed},
		{"wrong field type", frame(`{"type":7}`), CodeMalformed},
		{"invalid UTF-8 JSON", frame("{\"type\":\"\xff"), CodeMalformed},
		{"oversized", big, CodeTooLarge},
		{"unknown type", frame(`{"type":"format-disk"}`), CodeUnknownType},
		{"download without download", frame(`{"type":"download"}`), CodeBadRequest},
		{"file URL", frame(`{"type":"download","download":{"url":"file:///etc/passwd"}}`), CodeBadRequest},
		{"no host", frame(`{"type":"download","download":{"url":"http:///x"}}`), CodeBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := &fakeSubmitter{id: "1"}
			h := &Host{Submit: sub, Version: "v9"}
			in := append(append([]byte(nil), tt.in...), frame(`{"type":"ping","seq":5}`)...)
			replies := serve(t, h, in)
			if len(replies) != 2 {
				t.Fatalf("got %d replies, want 2: %+v", len(replies), replies)
			}
			if r := replies[0]; r.OK || r.Error != tt.code || r.Message == "" {
				t.Errorf("reply = %+v, want error %q with a sentence", r, tt.code)
			}
			if r := replies[1]; !r.OK || r.Version != "v9" || string(r.Seq) != "5" {
				t.Errorf("the ping after it: %+v", r)
			}
			if len(sub.reqs) != 0 {
				t.Errorf("a bad message reached the submitter: %+v", sub.reqs)
			}
		})
	}
}

func TestServeTruncatedStreamEnds(t *testing.T) {
	h := &Host{Submit: &fakeSubmitter{}}
	err := h.Serve(context.Background(), bytes.NewReader(frame(`{"type":"ping"}`)[:9]), io.Discard)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("err = %v, want io.ErrUnexpectedEOF", err)
	}
}
