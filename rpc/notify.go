package rpc

import (
	"encoding/json"

	"haul/downloader"
)

// startNotifier turns engine events into aria2's WebSocket notifications
// and remembers removed tasks as "removed" results.
func (s *Server) startNotifier() {
	if s.cfg.HandoffOnly {
		return
	}
	events, stop := s.engine.Subscribe()
	s.stopEvents = stop
	last := map[string]downloader.State{}
	for _, t := range s.engine.List() {
		last[t.ID] = t.State
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for ev := range events {
			s.handleEvent(ev, last)
		}
	}()
}

// handleEvent sends aria2's notifications on state transitions only
// (EventChanged also reports moves and option changes, and progress is
// not a transition); listeners of haul.onChange hear of every event but
// progress, paced per connection (changes.go).
func (s *Server) handleEvent(ev downloader.Event, last map[string]downloader.State) {
	if ev.Kind != downloader.EventProgress {
		s.announceChange()
	}
	id, state := ev.Task.ID, ev.Task.State
	switch ev.Kind {
	case downloader.EventProgress, downloader.EventSettings:
		return
	case downloader.EventRemoved:
		prev, seen := last[id]
		delete(last, id)
		if s.results.takeQuiet(id) {
			return
		}
		if seen && stopped(prev) {
			// A finished task taken off the list is a purged result,
			// not a removed download.
			return
		}
		s.results.add(ev.Task)
		s.broadcast("aria2.onDownloadStop", id)
		return
	}
	prev, seen := last[id]
	last[id] = state
	if seen && prev == state {
		return
	}
	switch state {
	case downloader.StateActive:
		s.broadcast("aria2.onDownloadStart", id)
	case downloader.StatePaused:
		s.broadcast("aria2.onDownloadPause", id)
	case downloader.StateCompleted:
		s.broadcast("aria2.onDownloadComplete", id)
	case downloader.StateFailed:
		s.broadcast("aria2.onDownloadError", id)
	}
}

// broadcast sends one notification to every authorised WebSocket client.
func (s *Server) broadcast(method, gid string) {
	msg, err := json.Marshal(notification{
		JSONRPC: "2.0",
		Method:  method,
		Params:  []any{map[string]string{"gid": gid}},
	})
	if err != nil {
		return
	}
	for _, c := range s.sockets(nil) {
		c.notify(msg)
	}
}

// sockets lists the open WebSocket connections that keep accepts (nil:
// all), so messages are queued outside the server's lock.
func (s *Server) sockets(keep func(*wsConn) bool) []*wsConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	conns := make([]*wsConn, 0, len(s.conns))
	for c := range s.conns {
		if keep == nil || keep(c) {
			conns = append(conns, c)
		}
	}
	return conns
}
