package rpc

import (
	"bytes"
	"encoding/json"
)

// aria2's notifications carry state transitions only. A Haul window that
// shows this queue from another computer (internal/remote) must also hear
// of additions, removals, moves, renames and settings, or it would have
// to read the whole queue every second to stay true. It calls haul.listen
// (with the secret) on a WebSocket and from then on receives
// haul.onChange, without parameters, whenever anything but progress
// changed; it then reads what it needs. Clients that never asked never
// see a method they do not know.

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

// announceChange queues haul.onChange for every listening connection
// that has none queued yet, so the notifications never fill a listener's
// queue; a burst still sends one each time the writer has taken the last,
// and the listener spaces its reads (internal/remote).
func (s *Server) announceChange() {
	for _, c := range s.sockets(func(c *wsConn) bool { return c.listening.Load() }) {
		if c.changeQueued.CompareAndSwap(false, true) {
			c.notify(changeNotification)
		}
	}
}
