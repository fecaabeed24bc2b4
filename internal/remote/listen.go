package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/net/websocket"

	"haul/downloader"
)

// While nothing moves on the remote queue, reading it every second costs
// both computers work (the finished list alone can be thousands of
// entries) for a window that has nothing new to show. A Haul on the other
// side tells listeners of every change (haul.listen, rpc/changes.go), so
// the engine keeps one WebSocket open to it and, while no task is active,
// reads the queue when told (at most every noticeGap, so a burst of
// thousands of changes is a few reads), and otherwise only every
// quietPoll in case the remote died without a word. An aria2, or a Haul
// from before haul.listen, refuses the call, and the engine polls every
// second as it always did; it asks again every listenRefusedWait, and at
// once when reads work again after failing (a restart, an upgrade).

// quietPoll is how often an idle queue is read while the remote tells of
// changes. A remote that vanished without closing the socket (power cut,
// cable pulled) shows in the window's banner after at most this plus
// callTimeout; the finished list is read every fullEvery-th time.
const quietPoll = 10 * time.Second

// listenRetryMax bounds the wait before dialling a lost WebSocket again;
// it starts at the poll interval and doubles. listenRefusedWait is the
// wait after the remote refused haul.listen (an aria2, an older Haul, a
// wrong secret): long, as the answer is unlikely to change, but a remote
// that answers reads again after failing (a restart, an upgrade, the
// secret put right) is asked again at once.
const (
	listenRetryMax    = 30 * time.Second
	listenRefusedWait = 5 * time.Minute
)

// errNoListen: the remote answered haul.listen with an error, so it
// cannot tell of changes; polling is all there is.
var errNoListen = errors.New("the remote does not announce changes")

// listen keeps the WebSocket open until the engine closes. It runs on its
// own goroutine, owned by the Engine (Close waits for it).
func (e *Engine) listen() {
	defer close(e.listenDone)
	if viaProxy(e.c.endpoint) {
		// The WebSocket dialler does not go through HTTP proxies; the
		// reads do, every second.
		return
	}
	wait := e.every
	for {
		began := time.Now()
		err := e.listenOnce(e.ctx)
		e.listening.Store(false)
		if e.ctx.Err() != nil {
			return
		}
		next := wait
		switch {
		case errors.Is(err, errNoListen):
			next = listenRefusedWait
		case time.Since(began) > listenRetryMax:
			next = e.every // it had been up a while: a fresh loss
		}
		wait = min(2*next, listenRetryMax)
		// Whatever changed while nobody listened is read now, and the
		// poller is back to every second until the socket returns.
		e.refresh()
		t := time.NewTimer(next)
		select {
		case <-e.ctx.Done():
			t.Stop()
			return
		case <-e.redial:
			t.Stop()
		case <-t.C:
		}
	}
}

// viaProxy reports whether requests to endpoint go through a proxy
// (HTTP_PROXY, HTTPS_PROXY, NO_PROXY).
func viaProxy(endpoint string) bool {
	req, err := http.NewRequest(http.MethodPost, endpoint, nil)
	if err != nil {
		return false
	}
	u, err := http.ProxyFromEnvironment(req)
	return err == nil && u != nil
}

// listenOnce dials the WebSocket, asks for haul.onChange, and asks the
// poller for a read on each until the connection ends. It returns
// errNoListen when the remote refuses the call, else why the connection
// ended.
func (e *Engine) listenOnce(ctx context.Context) error {
	cfg, err := websocket.NewConfig(wsURL(e.c.endpoint), "http://localhost")
	if err != nil {
		return fmt.Errorf("%w: %w", errNoListen, err)
	}
	dialCtx, cancel := context.WithTimeout(ctx, callTimeout)
	ws, err := cfg.DialContext(dialCtx)
	cancel()
	if err != nil {
		return err
	}
	defer ws.Close()
	// Close unblocks the read below when the engine closes.
	stop := context.AfterFunc(ctx, func() { ws.Close() })
	defer stop()
	ask := map[string]any{"jsonrpc": "2.0", "id": "listen", "method": "haul.listen", "params": []any{e.c.token}}
	if err := websocket.JSON.Send(ws, ask); err != nil {
		return err
	}
	for {
		var msg struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
			Error  *rpcError       `json:"error"`
		}
		if err := websocket.JSON.Receive(ws, &msg); err != nil {
			return err
		}
		switch {
		case string(msg.ID) == `"listen"` && msg.Error != nil:
			return errNoListen
		case string(msg.ID) == `"listen"`:
			e.listening.Store(true)
			e.refresh() // the poller slows down from its next read
		case msg.Method == "haul.onChange":
			// aria2's own notifications say less and always come
			// with one of these: they ask for nothing.
			signal(e.notice)
		}
	}
}

// wsURL is the RPC endpoint with the WebSocket scheme.
func wsURL(endpoint string) string {
	if rest, ok := strings.CutPrefix(endpoint, "https://"); ok {
		return "wss://" + rest
	}
	return "ws://" + strings.TrimPrefix(endpoint, "http://")
}

// quiet reports whether the poller may wait for a notification: the
// remote announces changes and no task there is active (active tasks'
// progress is read every second; it is never announced).
func (e *Engine) quiet() bool {
	if !e.listening.Load() {
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.lastErr != nil {
		return false
	}
	for _, s := range e.list {
		if s.State == downloader.StateActive {
			return false
		}
	}
	return true
}
