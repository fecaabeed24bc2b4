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
// one round trip without data per request (more on a full path: the
// queue's wait, and the sender's window regrowing after it), so a request
// spans several seconds of the connection's own rate and many round
// trips of the path, also at the end.
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
	// reqSpanSeconds is how long a request lasts at the connection's rate.
	// Between two requests a connection idles a round trip, and on a full
	// path the server's TCP window shrinks in that pause and takes seconds
	// to grow back: with 2 s requests, a 50 ms path limited to 400 Mbit/s
	// ran at 75-95 % of the link, varying run to run; with 6 s, at 97 %.
	reqSpanSeconds = 6.0
	// reqSpanHorizon: near the end a request lasts at most this share of
	// the task's time left, so every connection's last request ends at
	// about the same time and the last seconds are not one slow stream.
	// The tail's least (reqSpanTailSeconds, reqSpanTailDelays) is cut to
	// the time left (reqSpanTiny still holds): one that outlasted it
	// (2.4 MB at 2.4 MB/s, asked with 0.6 s left on the 50 ms path) ran
	// on while the others sat idle with nothing to split but its stream.
	// Ended at the time left, what lies past it is theirs without a cut
	// (floorPays).
	reqSpanHorizon = 0.5
	// reqSpanFirstShare: a connection not measured yet asks for 1/this
	// of its range (at least reqSpanMin): its TCP window is still
	// growing, and a request that ends in the middle of that growth
	// leaves the connection idle for a round trip when it counts most.
	reqSpanFirstShare = 16
	// reqSpanTailSeconds is the shortest a request gets near the end.
	reqSpanTailSeconds = 0.25
	// reqSpanDelays and reqSpanTailDelays are the least a request lasts
	// in round trips of the path (its recent request-to-first-byte
	// delay): a request of k delays leaves its connection idle for about
	// 1/(k+1) of the time. On a 50 ms path whose queue doubles the delay,
	// 0.25 s requests at the end had each connection idle a third of it.
	reqSpanDelays     = 20
	reqSpanTailDelays = 8
	// reqSpanShareCap: a request is sized by at most this many times the
	// task's rate per connection. On a lossy path a young connection runs
	// far faster before its first loss than after: sized by that burst,
	// requests meant for 6 s ran 11-28 s, and at the end each had to be
	// cut (throwing away what the server had buffered for it, megabytes
	// for a window that was once large) or crawled on alone.
	reqSpanShareCap = 2
)

// spanInputs is what a connection's next request is sized by.
type spanInputs struct {
	// Rate is the connection's rate (bytes/s, conn.spanRate; 0 = not known).
	Rate float64
	// Prev is its previous request's span (bytes; 0 = none).
	Prev int64
	// Shared: other connections may still take part of the range (the
	// ramp may add connections), so the request leaves them half of it.
	Shared bool
	// Horizon is the task's time left at its current rate (seconds; 0 =
	// not known).
	Horizon float64
	// Share is the rate per measured connection of the task's other
	// connections (bytes/s; 0 = not known): Rate counts for at most
	// reqSpanShareCap times it in the seconds a request lasts, not in
	// its round trips.
	Share float64
	// Delay is the path's recent request-to-first-byte delay (seconds,
	// pathDelay.current; 0 = not known).
	Delay float64
}

// errRequestEnd: the bounded request delivered all it asked for and the
// range goes on; the worker asks for the next part on the same slot.
var errRequestEnd = errors.New("request delivered its bounded range")

// requestEnd is the exclusive end of the request a connection makes for
// the range [start, end) (bytes). A measured connection asks for
// reqSpanSeconds of its rate (at most reqSpanShareCap times the task's
// rate per connection) or reqSpanDelays round trips, whichever is
// longer; near the end, reqSpanHorizon of the task's time left, but at
// least reqSpanTailSeconds and reqSpanTailDelays round trips or, when
// less, the time left; never less than reqSpanTiny. One not measured yet
// asks for a sixteenth of its range (reqSpanFirstShare), at least
// reqSpanMin and twice its previous span. When the range is shared, a
// request takes at most half of what is left, so a new connection can
// split off the other half without cutting a stream. The range's end when little would remain after the
// request, unless taking it along outlasts the task's time left and
// leaves more than reqSpanTiny behind (outlasts); end < 0 (unknown
// length) as is.
func requestEnd(start, end int64, in spanInputs) int64 {
	if end < 0 {
		return end
	}
	var span int64
	if in.Rate > 0 {
		// Seconds of the rate and round trips of the path, each cut to
		// the tail's share of the time left; the round trips are the
		// connection's own, so they are counted at its own pace.
		secs, trips := reqSpanSeconds, reqSpanDelays*in.Delay
		if in.Horizon > 0 {
			tail := min(max(reqSpanTailSeconds, reqSpanTailDelays*in.Delay), in.Horizon)
			near := max(tail, reqSpanHorizon*in.Horizon)
			secs, trips = min(secs, near), min(trips, near)
		}
		rate := in.Rate
		if in.Share > 0 {
			rate = min(rate, reqSpanShareCap*in.Share)
		}
		span = max(int64(reqSpanTiny), int64(rate*secs), int64(in.Rate*trips))
	} else {
		span = max(int64(reqSpanMin), 2*in.Prev, (end-start)/reqSpanFirstShare)
	}
	if in.Shared {
		span = min(span, max(min(span, reqSpanShared), (end-start)/2))
	}
	if end-start <= span+span/2 && (!outlasts(end-start, in) || end-start-span < reqSpanTiny) {
		return end
	}
	at := start + span
	if aligned := at - at%splitAlign; aligned > start {
		at = aligned
	}
	return at
}

// outlasts reports whether n bytes at the connection's rate take longer
// than the task's time left. Such a request, taken to its range's end to
// leave no remainder, ran on alone at the end of a download on a 50 ms
// path (2.7 MB at 2.6 MB/s with 0.7 s left) while the others had nothing
// to split but its stream; stopped short, what lies past it is the free
// connections' without a cut (floorPays).
func outlasts(n int64, in spanInputs) bool {
	return in.Horizon > 0 && in.Rate > 0 && float64(n)/in.Rate > in.Horizon
}

// spanRate is the rate (bytes/s) a connection's next request is sized
// by: its rate since its first byte, the gaps between its requests
// included; a connection too young for conn.rate is sized by what it did
// so far. 0 = not known (a new connection: requestEnd gives it a share of
// its range). Sizing by the latest request's rate instead, when slower,
// was measured on the lossy path: more, shorter requests (207-221 became
// 221-283 per run) and no gain.
func (c *conn) spanRate(now time.Time) float64 {
	if c == nil {
		return 0
	}
	if rt := c.rate(now); rt > 0 || c.bytes == 0 {
		return rt
	}
	return float64(c.bytes) / now.Sub(c.first).Seconds()
}

// paceLocked reads the task's connections once: horizon is its time
// left (seconds) at the rate they run now, 0 when none is measured yet
// or a range's length is unknown; share is the rate per measured
// connection (bytes/s) of those other than self, 0 when none is.
func (r *run) paceLocked(now time.Time, self *conn) (horizon, share float64) {
	var left int64
	var rate, others float64
	n := 0
	known := true
	for _, p := range r.t.pieces {
		if rem := p.remaining(); rem > 0 {
			left += rem
		} else if rem < 0 {
			known = false
		}
		rt := p.conn.rate(now)
		rate += rt
		if rt > 0 && p.conn != self {
			others += rt
			n++
		}
	}
	if known && rate > 0 {
		horizon = float64(left) / rate
	}
	if n > 0 {
		share = others / float64(n)
	}
	return horizon, share
}

// drainMax is the most of a request a cut connection reads and discards
// to keep its TCP connection: about what a cut throws away anyway
// (cutBuffered), while a new connection on a long path spends many round
// trips in slow start.
const drainMax = cutBuffered

// drainRequest reads and discards the rest of the request in flight
// (rest bytes) when it is at most drainMax, then its end, so the
// transport keeps the connection, and reports whether it did; otherwise
// the caller's Close ends it.
func (r *run) drainRequest(body io.Reader, buf []byte, rest int64) bool {
	if rest < 0 || rest > drainMax {
		return false
	}
	for rest > 0 {
		k, err := body.Read(buf[:min(int64(len(buf)), rest)])
		rest -= int64(k)
		if err != nil {
			// net/http returns io.EOF with a body's last bytes.
			return rest == 0 && errors.Is(err, io.EOF)
		}
	}
	return errors.Is(r.endRequest(body, buf), errRequestEnd)
}

// reqNotAsked is a piece's reqEnd from its claim until its connection
// asks for it: nothing is in flight, so any split is clean.
const reqNotAsked = -1

// splitFloor is the lowest split point of a busy range that cuts no
// stream: the end of its request in flight. A range not asked for yet
// (reqNotAsked) gives 0: no split cuts. Otherwise reqEnd ≤ 0 (no request
// known, an open-ended probe stream) gives the range's end: any split
// there cuts.
// A request that runs past its range's end was cut already and its
// floor lies past the range: every split cuts, but only what it throws
// away beyond that earlier cut counts (cutWasteOf).
func splitFloor(s Segment, reqEnd int64) int64 {
	if reqEnd == reqNotAsked {
		return 0
	}
	if reqEnd <= 0 {
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
