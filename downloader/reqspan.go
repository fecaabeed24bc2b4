package downloader

import (
	"errors"
	"io"
)

// A connection asks for its range in bounded requests on one kept-alive
// TCP connection rather than in one request to the range's end. When a
// free connection later splits the range, the split lands at or after
// the end of the request in flight (splitFloor), so no stream is cut and
// nothing the server already sent is thrown away. People on metered links
// pay for every byte served, and a cut stream wastes what is in flight
// (about one round trip of its rate, more on a fat link). The price is
// one round trip without data per request, so a request spans several
// seconds of the connection's own rate.
const (
	// reqSpanMin is the shortest request: a young connection (rate not
	// known yet) asks for this much first.
	reqSpanMin = 1 << 20
	// reqSpanShared is the shortest request when other connections share
	// the task: near the end, work changes hands in pieces this small
	// without cutting a stream.
	reqSpanShared = 1 << 20
	// probeSpan is what the first request (the probe) asks for: enough
	// that a fast stream is not interrupted in its first round trips.
	probeSpan = 2 << 20
	// reqSpanSeconds is how long a request lasts at the connection's rate:
	// the round trip between two requests costs a few percent of it.
	reqSpanSeconds = 2.0
)

// errRequestEnd: the bounded request delivered all it asked for and the
// range goes on; the worker asks for the next part on the same slot.
var errRequestEnd = errors.New("request delivered its bounded range")

// requestEnd is the exclusive end of the request a connection makes for
// the range [start, end): seconds of its rate (bytes/s, 0 = unknown), at
// least twice its previous span (prev, 0 = none: slow start for requests,
// so a fast stream soon asks for the rest) and at least reqSpanMin. When
// other connections share the task (shared), a request takes at most half
// of what is left, so a free connection can always split off the other
// half without cutting a stream. The range's end when little would remain
// after the request; end < 0 (unknown length) as is.
func requestEnd(start, end int64, rate float64, prev int64, shared bool) int64 {
	if end < 0 {
		return end
	}
	span := max(int64(reqSpanMin), int64(rate*reqSpanSeconds), 2*prev)
	if shared {
		span = min(span, max(reqSpanShared, (end-start)/2))
	}
	if end-start <= span+span/2 {
		return end
	}
	at := start + span
	return at - at%splitAlign
}

// splitFloor is the lowest split point of a busy range that cuts no
// stream: the end of its request in flight. reqEnd ≤ 0 (no request known,
// an open-ended probe stream) gives the range's end: any split there cuts.
func splitFloor(s Segment, reqEnd int64) int64 {
	if reqEnd <= 0 || s.End >= 0 && reqEnd > s.End {
		return s.End
	}
	return reqEnd
}

// endRequest finishes a bounded request that delivered all it asked for:
// one more read sees the body's end, so the transport keeps the TCP
// connection for the next request instead of closing it.
func (r *run) endRequest(body io.Reader, buf []byte) error {
	if k, err := body.Read(buf[:1]); k > 0 || err == nil {
		return protocolf("the server sent more than the range asked for")
	}
	return errRequestEnd
}
