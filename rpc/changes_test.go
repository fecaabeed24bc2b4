package rpc

import (
	"net"
	"net/http"
	"testing"
	"time"

	"haul/downloader"
)

// TestAnnounceChange: every event but progress queues one haul.onChange
// for a listening connection at once, none for one that did not ask; a
// burst queues one until the writer has taken it, and a change after that
// is told, at once or when the window ends.
func TestAnnounceChange(t *testing.T) {
	for _, tc := range []struct {
		kind downloader.EventKind
		want int
	}{
		{downloader.EventAdded, 1},
		{downloader.EventChanged, 1},
		{downloader.EventRemoved, 1},
		{downloader.EventSettings, 1},
		{downloader.EventProgress, 0},
	} {
		s := &Server{conns: map[*wsConn]struct{}{}, results: newResults(), changeWindow: 10 * time.Millisecond}
		listening := newWSConn(s, nil, nil)
		listening.listening.Store(true)
		deaf := newWSConn(s, nil, nil)
		s.conns[listening], s.conns[deaf] = struct{}{}, struct{}{}
		ev := downloader.Event{Kind: tc.kind, Task: downloader.Snapshot{ID: "0123456789abcdef", State: downloader.StateQueued}}
		s.handleEvent(ev, map[string]downloader.State{})
		s.handleEvent(ev, map[string]downloader.State{}) // a burst
		// aria2's own notifications (a removal's onDownloadStop) go to
		// every connection; only haul.onChange is counted.
		changes := func() (n int) {
			for range len(listening.out) {
				if isChangeNotification(<-listening.out) {
					n++
				}
			}
			return n
		}
		if n := changes(); n != tc.want {
			t.Errorf("%v: %d haul.onChange queued for the listener, want %d", tc.kind, n, tc.want)
		}
		for range len(deaf.out) {
			if msg := <-deaf.out; isChangeNotification(msg) {
				t.Errorf("%v: haul.onChange queued for a connection that did not ask", tc.kind)
			}
		}
		if tc.want == 0 {
			listening.changes.stop()
			continue
		}
		// The writer took it (writeLoop clears the flag): the next
		// change queues another.
		listening.changeQueued.Store(false)
		s.handleEvent(ev, map[string]downloader.State{})
		if !awaitChange(listening) {
			t.Errorf("%v: nothing queued for a change after the writer took the last", tc.kind)
		}
		listening.changes.stop()
	}
}

// awaitChange waits, generously, for haul.onChange in c's queue.
func awaitChange(c *wsConn) bool {
	timeout := time.After(10 * time.Second)
	for {
		select {
		case msg := <-c.out:
			if isChangeNotification(msg) {
				return true
			}
		case <-timeout:
			return false
		}
	}
}

// TestListenerCloseStopsChanges: closing a listening connection ends its
// open change window, so nothing is queued for it afterwards; the window
// is an hour, so it is open for certain when the connection closes.
func TestListenerCloseStopsChanges(t *testing.T) {
	s := &Server{conns: map[*wsConn]struct{}{}, results: newResults(), changeWindow: time.Hour}
	conn, peer := net.Pipe()
	defer peer.Close()
	c := newWSConn(s, conn, nil)
	c.listening.Store(true)
	s.conns[c] = struct{}{}
	ev := downloader.Event{Kind: downloader.EventSettings}
	s.handleEvent(ev, nil)
	if !awaitChange(c) {
		t.Fatal("the first change was not told")
	}
	c.changeQueued.Store(false) // the writer took it
	s.handleEvent(ev, nil)      // owed at the window's end
	c.shutdown(-1, "")
	c.changes.mu.Lock()
	open := c.changes.timer != nil
	c.changes.mu.Unlock()
	if open {
		t.Error("the change window is still open after the connection closed: it would queue haul.onChange then")
	}
	s.handleEvent(ev, nil)
	if n := len(c.out); n != 0 {
		t.Errorf("%d messages queued after the connection closed", n)
	}
}

// TestWebSocketListen: haul.listen needs the secret and a WebSocket; a
// listener then hears haul.onChange when a task is added paused, which
// aria2's notifications do not report.
func TestWebSocketListen(t *testing.T) {
	f := newFake()
	s := startTest(t, f, nil)
	if _, e := call(t, s, "haul.listen"); e == nil {
		t.Fatal("haul.listen over HTTP: no error")
	}
	c, resp := dialWS(t, s, nil)
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake %d", resp.StatusCode)
	}
	c.send(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "haul.listen", "params": []any{"token:wrong"}})
	if m := c.readJSON(); m["error"] == nil {
		t.Fatalf("haul.listen with a wrong secret: %v", m)
	}
	c.send(tokReq(2, "haul.listen"))
	if m := c.readJSON(); m["result"] != "OK" {
		t.Fatalf("haul.listen: %v", m)
	}
	if _, err := f.Add(t.Context(), downloader.Request{URL: "http://example.com/a", Paused: true}); err != nil {
		t.Fatal(err)
	}
	if m := c.readJSON(); m["method"] != "haul.onChange" || m["id"] != nil {
		t.Fatalf("after an add: %v, want haul.onChange", m)
	}
}
