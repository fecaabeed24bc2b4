package rpc

import (
	"bytes"
	"encoding/json"
	"time"
)

// aria2's notifications carry state transitions only. A Haul window that
// shows this queue from another computer (internal/remote) must also hear
// of additions, removals, moves, renames and settings, or it would have
// to read the whole queue every second to stay true. It calls haul.listen
// (with the secret) on a WebSocket and from then on receives
// haul.onChange, without parameters, after anything but progress
// changed; it then reads what it needs. Clients that never asked never
// see a method they do not know.
//
// A burst of changes (a purge of thousands of finished tasks) is a burst
// of engine events, and one message per event would keep the socket busy
// (1,352 for a purge of 2,000) and the listener reading. Each listening
// connection paces its messages (pacer.go): the first change after a
// quiet changeWindow is told at once, the changes inside the window are
// one message at its end, so a listener hears at most about ten a second
// and always hears of the last change.

// changeWindow is the least time between two haul.onChange on one
// connection. Server.changeWindow, when set, replaces it (tests).
const changeWindow = 100 * time.Millisecond

// changeNotification is the one message haul.onChange sends.
var changeNotification = func() []byte {
	b, err := json.Marshal(notification{JSONRPC: "2.0", Method: "haul.onChange", Params: []any{}})
	if err != nil {
		panic(err)
	}
	return b
}()

func isChangeNotification(msg []byte) bool { return bytes.Equal(msg, changeNotification) }

// listenChanges subscribes the calling WebSocket connection to haul.onChange.
func (s *Server) listenChanges(ctx callCtx, _ args) (any, error) {
	if ctx.listen == nil {
		return nil, failf("haul.listen works only on a WebSocket connection.")
	}
	ctx.listen()
	return "OK", nil
}

// announceChange tells every listening connection's pacer of a change.
func (s *Server) announceChange() {
	for _, c := range s.sockets(func(c *wsConn) bool { return c.listening.Load() }) {
		c.changes.ask()
	}
}

// newChangePacer paces c's haul.onChange (one a changeWindow).
func (s *Server) newChangePacer(c *wsConn) *pacer {
	window := s.changeWindow
	if window == 0 {
		window = changeWindow
	}
	return newPacer(window, c.queueChange)
}

// queueChange queues haul.onChange unless one is queued and not yet
// written: that one, written after this change, already tells of it, and
// a listener that reads slowly never has its queue filled (and is not
// disconnected as too slow) by these.
func (c *wsConn) queueChange() {
	if c.changeQueued.CompareAndSwap(false, true) {
		c.notify(changeNotification)
	}
}
