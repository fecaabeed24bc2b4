package downloader

import (
	"errors"
	"io"
	"time"
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
	// reqSpanMin is the shortest request of a connection whose rate is
	// not known yet.
	reqSpanMin = 1 << 20
	// reqSpanTiny is the shortest request of a measured connection: near
	// the end a slow connection asks for a fraction of a second of its
	// rate, but never so little that the round trip dominates.
	reqSpanTiny = 64 << 10
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
	// reqSpanHorizon: near the end a request lasts at most this share of
	// the task's time left, so every connection's last request ends at
	// about the same time and the last seconds are not one slow stream.
	reqSpanHorizon = 0.5
	// reqSpanFirstShare: a connection not measured yet asks for 1/this
	// of its range (at least reqSpanMin): its TCP window is still
	// growing, and a request that ends in the middle of that growth
	// leaves the connection idle for a round trip when it counts most.
	reqSpanFirstShare = 16
	// reqSpanTailSeconds is the shortest a request gets near the end.
	reqSpanTailSeconds = 0.25
)

// errRequestEnd: the bounded request delivered all it asked for and the
// range goes on; the worker asks for the next part on the same slot.
var errRequestEnd = errors.New("request delivered its bounded range")

// requestEnd is the exclusive end of the request a connection makes for
// the range [start, end). rate is the connection's rate (bytes/s,
// conn.spanRate; 0 = unknown), prev its previous span (bytes, 0 = none),
// horizon the task's time left at its current rate (seconds, 0 = not
// known). A measured connection asks for reqSpanSeconds of its rate, less
// near the end (reqSpanHorizon of the horizon, at least
// reqSpanTailSeconds) and at least reqSpanTiny; one not measured yet asks
// for a sixteenth of its range (reqSpanFirstShare), at least reqSpanMin
// and twice its previous span. When other connections share the task
// (shared), a request takes at most half of what is left, so a free
// connection can always split off the other half without cutting a
// stream. The range's end when little would remain after the request;
// end < 0 (unknown length) as is.
func requestEnd(start, end int64, rate float64, prev int64, shared bool, horizon float64) int64 {
	if end < 0 {
		return end
	}
	var span int64
	if rate > 0 {
		secs := reqSpanSeconds
		if horizon > 0 {
			secs = min(secs, max(reqSpanTailSeconds, reqSpanHorizon*horizon))
		}
		span = max(int64(reqSpanTiny), int64(rate*secs))
	} else {
		span = max(int64(reqSpanMin), 2*prev, (end-start)/reqSpanFirstShare)
	}
	if shared {
		span = min(span, max(min(span, reqSpanShared), (end-start)/2))
	}
	if end-start <= span+span/2 {
		return end
	}
	at := start + span
	if aligned := at - at%splitAlign; aligned > start {
		at = aligned
	}
	return at
}

// spanRate is the rate (bytes/s) a connection's next request is sized
// by: its rate since its first byte, or its latest request's when that
// was slower. A stream's first seconds run ahead of its steady pace (the
// burst of slow start before the first loss on a lossy path); sized by
// that, one request would run on long after the others. A connection too
// young for conn.rate is sized by what it did so far. 0 = not known (a
// new connection: requestEnd gives it a share of its range).
func (c *conn) spanRate(now time.Time) float64 {
	if c == nil {
		return 0
	}
	rt := c.rate(now)
	switch {
	case c.reqRate > 0 && (rt <= 0 || c.reqRate < rt):
		return c.reqRate
	case rt <= 0 && c.bytes > 0:
		return float64(c.bytes) / now.Sub(c.first).Seconds()
	}
	return rt
}

// horizonLocked is the task's time left (seconds) at the rate its
// connections run now; 0 when no connection is measured yet.
func (r *run) horizonLocked(now time.Time) float64 {
	var left int64
	var rate float64
	for _, p := range r.t.pieces {
		if rem := p.remaining(); rem > 0 {
			left += rem
		} else if rem < 0 {
			return 0
		}
		if p.conn != nil {
			rate += p.conn.rate(now)
		}
	}
	if rate <= 0 {
		return 0
	}
	return float64(left) / rate
}

// drainMax is the most of a request a cut connection reads and discards
// to keep its TCP connection: about what a cut throws away anyway
// (cutBuffered), while a new connection on a long path spends many round
// trips in slow start.
const drainMax = cutBuffered

// drainRequest reads and discards the rest of the request in flight
// (rest bytes) when it is at most drainMax, then its end, so the
// transport keeps the connection; otherwise the caller's Close ends it.
func (r *run) drainRequest(body io.Reader, buf []byte, rest int64) {
	if rest <= 0 || rest > drainMax {
		return
	}
	for rest > 0 {
		k, err := body.Read(buf[:min(int64(len(buf)), rest)])
		rest -= int64(k)
		if err != nil {
			return
		}
	}
	_ = r.endRequest(body, buf)
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
