package rpc

import (
	"encoding/json"
	"sync/atomic"
)

// Resource limits of the local service. Calls are cheap one by one, but
// a batch of multicalls multiplies them, and a token-free method such as
// system.listMethods can make a reply far larger than the request.
const (
	// maxCalls bounds the calls one request body or WebSocket message
	// runs, counting every call inside a multicall.
	maxCalls = 1000
	// maxReply bounds the encoded reply to one request body or message
	// (bytes); the calls past it are answered with errReplyTooLarge.
	maxReply = 8 << 20
	// maxUnauthedSockets bounds the open WebSocket connections that have
	// not made a call with the token. Listen-only clients are welcome
	// (they passed the Origin and Host checks and get notifications), but
	// a program may not hold thousands open: the oldest is closed first.
	maxUnauthedSockets = 64
)

var (
	errTooManyCalls  = failf("Too many calls in one request: at most %d, counting those inside system.multicall.", maxCalls)
	errReplyTooLarge = failf("The reply to this request would be larger than %d MB; ask for less at a time.", maxReply>>20)
)

// budget is what is left of one request's limits. A request is served on
// one goroutine, so it needs no lock.
type budget struct {
	calls int
	bytes int
}

func newBudget() *budget { return &budget{calls: maxCalls, bytes: maxReply} }

// take counts one call; false when the request has used up its calls.
func (b *budget) take() bool {
	if b == nil {
		return true
	}
	if b.calls <= 0 {
		return false
	}
	b.calls--
	return true
}

// fits tells whether n more calls are within the request's limit.
func (b *budget) fits(n int) bool { return b == nil || n <= b.calls }

// spend counts an encoded result against the reply size; false when it
// does not fit.
func (b *budget) spend(result json.RawMessage) bool {
	if b == nil {
		return true
	}
	if len(result) > b.bytes {
		b.bytes = 0
		return false
	}
	b.bytes -= len(result)
	return true
}

// socketSeq orders WebSocket connections by age.
var socketSeq atomic.Uint64

// admitSocketLocked makes room for one more connection without the token:
// past maxUnauthedSockets the oldest such connection is closed. It
// returns the connection to close (outside the lock), or nil.
func (s *Server) admitSocketLocked() *wsConn {
	var oldest *wsConn
	n := 0
	for c := range s.conns {
		if c.authed.Load() {
			continue
		}
		n++
		if oldest == nil || c.seq < oldest.seq {
			oldest = c
		}
	}
	if n < maxUnauthedSockets {
		return nil
	}
	delete(s.conns, oldest)
	return oldest
}
