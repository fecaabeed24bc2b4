package remote

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/net/websocket"

	"haul/downloader"
)

// quietEngine is an engine on a real remote whose timed reads are an
// hour apart: only kicks and announcements read the queue.
func quietEngine(t *testing.T) (*downloader.Manager, *Engine, <-chan downloader.Event) {
	t.Helper()
	m, srv, _ := remoteHaul(t)
	local := &localSettings{s: downloader.DefaultSettings("/local/dl")}
	e, err := dial(context.Background(), srv.URL(), secret, local, time.Hour, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	events, stop := e.Subscribe()
	t.Cleanup(stop)
	return m, e, events
}

// TestEngineHearsChanges: with both poll intervals an hour long, the
// window still learns at once of changes another client makes on the
// remote that no aria2 notification covers (a move, the settings),
// because the remote announces each change over the WebSocket.
func TestEngineHearsChanges(t *testing.T) {
	m, e, events := quietEngine(t)
	// Only kicks read the queue now: the one once the socket is up, and
	// notifications (a paused add has aria2's onDownloadPause).
	var ids []string
	for _, name := range []string{"a.bin", "b.bin"} {
		added, err := m.Add(context.Background(), downloader.Request{URL: "http://127.0.0.1:1/" + name, Paused: true})
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, events, "the remote's paused add of "+name, func(ev downloader.Event) bool {
			return ev.Kind == downloader.EventAdded && ev.Task.ID == added[0]
		})
		ids = append(ids, added[0])
	}
	if err := m.Move(ids[1], downloader.MoveTop); err != nil {
		t.Fatal(err)
	}
	waitFor(t, events, "the remote's move", func(ev downloader.Event) bool {
		return ev.Kind == downloader.EventChanged && ev.Task.ID == ids[1] && ev.Task.Position == 0
	})
	s := m.Settings()
	s.MaxActive++
	if err := m.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	waitFor(t, events, "the remote's settings change", func(ev downloader.Event) bool {
		return ev.Kind == downloader.EventSettings
	})
	if !e.quiet() {
		t.Error("an idle queue on a listening remote is not quiet")
	}
}

// TestEngineWithoutChanges: a remote that refuses haul.listen (an aria2,
// or a Haul from before it) is polled as before; the listener asks again
// at once when reads work again after failing (a restart, an upgrade, the
// secret put right), not only after listenRefusedWait.
func TestEngineWithoutChanges(t *testing.T) {
	asked := make(chan struct{}, 8)
	ws := httptest.NewServer(websocket.Handler(func(c *websocket.Conn) {
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		if websocket.JSON.Receive(c, &req) != nil || req.Method != "haul.listen" {
			return
		}
		_ = websocket.JSON.Send(c, map[string]any{"jsonrpc": "2.0", "id": req.ID, "error": map[string]any{"code": 1, "message": "No such method: haul.listen"}})
		asked <- struct{}{}
	}))
	defer ws.Close()
	e := &Engine{c: newClient(ws.URL+"/jsonrpc", secret), every: time.Second, listenDone: make(chan struct{}),
		kick: make(chan struct{}, 1), redial: make(chan struct{}, 1)}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	go e.listen()
	for i := range 2 {
		select {
		case <-asked:
		case <-time.After(20 * time.Second):
			t.Fatalf("the listener did not ask (time %d)", i+1)
		}
		if e.quiet() {
			t.Fatal("quiet without a remote that announces changes")
		}
		signal(e.redial) // as run does when reads work again
	}
	e.cancel()
	select {
	case <-e.listenDone:
	case <-time.After(20 * time.Second):
		t.Fatal("the listener outlived the engine")
	}
}

// TestEngineSpacesNoticeReads: a burst of changes on the remote, each
// announced, is read a few times, at most one read per noticeGap, not
// once per announcement.
func TestEngineSpacesNoticeReads(t *testing.T) {
	m, e, events := quietEngine(t)
	add := func(name string) string {
		ids, err := m.Add(context.Background(), downloader.Request{URL: "http://127.0.0.1:1/" + name, Paused: true})
		if err != nil {
			t.Fatal(err)
		}
		return ids[0]
	}
	first := add("first.bin") // read once listening: the socket is up after
	waitFor(t, events, "the first add", func(ev downloader.Event) bool { return ev.Kind == downloader.EventAdded && ev.Task.ID == first })
	before, began := e.reads.Load(), time.Now()
	var last string
	for i := range 300 {
		last = add(fmt.Sprintf("burst%03d.bin", i))
	}
	waitFor(t, events, "the burst's last add", func(ev downloader.Event) bool { return ev.Kind == downloader.EventAdded && ev.Task.ID == last })
	reads := e.reads.Load() - before
	if most := int64(time.Since(began)/noticeGap) + 2; reads > most {
		t.Fatalf("%d reads for a burst of 300 changes in %v; want at most %d", reads, time.Since(began).Round(time.Millisecond), most)
	}
	t.Logf("%d reads for 300 announced changes in %v", reads, time.Since(began).Round(time.Millisecond))
}

// TestQuiet: the poller waits for announcements only while the remote
// makes them, the last read worked and no task is active.
func TestQuiet(t *testing.T) {
	idle := []downloader.Snapshot{{ID: "a", State: downloader.StateCompleted}, {ID: "b", State: downloader.StatePaused}, {ID: "c", State: downloader.StateQueued}}
	busy := append([]downloader.Snapshot{{ID: "d", State: downloader.StateActive}}, idle...)
	for _, tc := range []struct {
		name      string
		listening bool
		list      []downloader.Snapshot
		lastErr   error
		want      bool
	}{
		{"idle, listening", true, idle, nil, true},
		{"idle, not listening", false, idle, nil, false},
		{"a task is active", true, busy, nil, false},
		{"the last read failed", true, idle, ErrUnreachable, false},
	} {
		e := &Engine{list: tc.list, lastErr: tc.lastErr}
		e.listening.Store(tc.listening)
		if got := e.quiet(); got != tc.want {
			t.Errorf("%s: quiet = %v, want %v", tc.name, got, tc.want)
		}
	}
}
