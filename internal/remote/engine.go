package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"haul/downloader"
)

// pollInterval is how often the remote queue is read when nothing happens.
const pollInterval = time.Second

// listLimit is the most tasks read per state list.
const listLimit = 10000

// Local keeps what stays on this computer while the window shows a remote
// queue: the window's own preferences (Settings.UI, which also holds the
// remote address). *downloader.Manager satisfies it.
type Local interface {
	Settings() downloader.Settings
	SetSettings(downloader.Settings) error
}

// Engine is a remote Haul's queue with the method set of gui.Engine. Its
// methods return promptly: List and Settings read a cache that a polling
// goroutine keeps fresh; commands are one HTTP call each (bounded by
// callTimeout).
type Engine struct {
	c     *client
	host  string
	local Local

	ctx    context.Context
	cancel context.CancelFunc
	kick   chan struct{} // a read now (after a command)
	// notice asks for a read after the remote announced a change; those
	// are spaced noticeGap apart, so a burst (a purge of thousands of
	// results) is a few reads, not one per change.
	notice     chan struct{}
	redial     chan struct{} // reads work again: the listener tries at once
	done       chan struct{} // closed when run returns
	listenDone chan struct{} // closed when listen returns
	// listening: the remote announces changes (listen.go), so an idle
	// queue is read only when it says so.
	listening atomic.Bool
	// every and quietEvery are pollInterval and quietPoll; tests
	// lengthen them.
	every, quietEvery time.Duration
	reads             atomic.Int64 // reads of the queue made, for tests

	mu      sync.Mutex
	list    []downloader.Snapshot
	stopped []downloader.Snapshot // the finished part of list, as last read
	global  map[string]string     // getGlobalOption
	lastErr error
	// onHealth hears when reading the queue starts failing or works again.
	onHealth func(error)
	subs     map[*subscriber]struct{}
}

// Dial reads the queue at addr (see Endpoint) with secret once, so a wrong
// address or secret fails here with ErrUnreachable or ErrRemote, then keeps
// it fresh until Close.
func Dial(ctx context.Context, addr, secret string, local Local) (*Engine, error) {
	return dial(ctx, addr, secret, local, pollInterval, quietPoll)
}

func dial(ctx context.Context, addr, secret string, local Local, every, quietEvery time.Duration) (*Engine, error) {
	endpoint, err := Endpoint(addr)
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(endpoint)
	e := &Engine{
		c:          newClient(endpoint, secret),
		host:       u.Host,
		local:      local,
		kick:       make(chan struct{}, 1),
		notice:     make(chan struct{}, 1),
		redial:     make(chan struct{}, 1),
		done:       make(chan struct{}),
		listenDone: make(chan struct{}),
		subs:       map[*subscriber]struct{}{},
		every:      every,
		quietEvery: quietEvery,
	}
	if err := e.poll(ctx, true); err != nil {
		return nil, err
	}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	go e.run()
	go e.listen()
	return e, nil
}

// Host is the remote's host:port, for the window to say whose queue it is.
func (e *Engine) Host() string { return e.host }

// LastError is why the latest refresh failed, or nil.
func (e *Engine) LastError() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.lastErr
}

// OnHealth sets f to hear, on the polling goroutine, when reading the
// remote queue starts failing (the error) or works again (nil).
func (e *Engine) OnHealth(f func(error)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.onHealth = f
}

// Close stops polling and ends every subscription.
func (e *Engine) Close() {
	if e.cancel == nil {
		return
	}
	e.cancel()
	<-e.done
	<-e.listenDone
	e.mu.Lock()
	subs := e.subs
	e.subs = map[*subscriber]struct{}{}
	e.mu.Unlock()
	for s := range subs {
		s.end()
	}
}

func (e *Engine) run() {
	defer close(e.done)
	t := time.NewTimer(e.every)
	defer t.Stop()
	var last time.Time // when the latest read began
	owed := false      // a notice arrived inside the gap: read in full when it ends
	n := 0             // reads made; every fullEvery-th is full
	for {
		asked := true // by a command or an announcement: read in full
		select {
		case <-e.ctx.Done():
			return
		case <-t.C:
			asked = owed
		case <-e.kick:
		case <-e.notice:
			if wait := noticeGap - time.Since(last); wait > 0 {
				owed = true
				t.Reset(wait)
				continue
			}
		}
		n++
		full := asked || n%fullEvery == 0
		owed = false
		last = time.Now()
		e.reads.Add(1)
		err := e.poll(e.ctx, full)
		if e.ctx.Err() != nil {
			return
		}
		e.mu.Lock()
		// The banner is told again when the reason changes, not only when
		// reads start or stop failing: a wrong secret after a restart is
		// not "it closed the connection".
		changed := ReasonOf(err) != ReasonOf(e.lastErr)
		recovered := err == nil && e.lastErr != nil
		e.lastErr = err
		onHealth := e.onHealth
		e.mu.Unlock()
		if changed && onHealth != nil {
			onHealth(err)
		}
		if recovered {
			// A restarted or reconfigured remote (a new secret, a new
			// version) may announce changes now.
			signal(e.redial)
		}
		// The next read: in a second, or when the remote tells of a
		// change if nothing there moves (listen.go).
		next := e.every
		if e.quiet() {
			next = e.quietEvery
		}
		t.Reset(next)
	}
}

// noticeGap is the least time between the starts of two reads that
// announcements asked for.
const noticeGap = 500 * time.Millisecond

// signal wakes whoever waits on ch (capacity 1) without blocking.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// refresh asks the poller for a read now (after a command).
func (e *Engine) refresh() { signal(e.kick) }

// fullEvery: the finished list, which can hold thousands of tasks, is
// read every fullEvery-th time, after a command, and whenever a task left
// the active and waiting lists (it is finished, failed or removed).
const fullEvery = 5

// poll reads the active and waiting lists and the global options (with
// full, the finished list too) in one multicall and publishes what
// changed.
func (e *Engine) poll(ctx context.Context, full bool) error {
	tok := e.c.token
	calls := []map[string]any{
		{"methodName": "aria2.tellActive", "params": []any{tok, statusKeys}},
		{"methodName": "aria2.tellWaiting", "params": []any{tok, 0, listLimit, statusKeys}},
		{"methodName": "aria2.getGlobalOption", "params": []any{tok}},
	}
	if full {
		calls = append(calls, map[string]any{"methodName": "aria2.tellStopped", "params": []any{tok, 0, listLimit, statusKeys}})
	}
	var results []json.RawMessage
	if err := e.c.callPublic(ctx, &results, "system.multicall", calls); err != nil {
		return err
	}
	if len(results) != len(calls) {
		return fmt.Errorf("system.multicall: %d answers to %d calls", len(results), len(calls))
	}
	queue, err := decodeLists(results[0], results[1])
	if err != nil {
		return err
	}
	var global []map[string]string
	if err := json.Unmarshal(results[2], &global); err != nil || len(global) != 1 {
		return remoteError(results[2])
	}
	e.mu.Lock()
	old, stopped := e.list, e.stopped
	e.mu.Unlock()
	if full {
		if stopped, err = decodeLists(results[3]); err != nil {
			return err
		}
	} else if leftQueue(old, queue) {
		return e.poll(ctx, true)
	}
	list := append(append(make([]downloader.Snapshot, 0, len(queue)+len(stopped)), queue...), stopped...)
	for i := range list {
		list[i].Position = i
	}
	e.mu.Lock()
	evs := diff(old, list)
	if e.global != nil && !maps.Equal(e.global, global[0]) {
		// Someone changed the remote settings: the window reads them again.
		evs = append(evs, downloader.Event{Kind: downloader.EventSettings})
	}
	e.list, e.stopped, e.global = list, stopped, global[0]
	subs := make([]*subscriber, 0, len(e.subs))
	for s := range e.subs {
		subs = append(subs, s)
	}
	e.mu.Unlock()
	for _, ev := range evs {
		for _, s := range subs {
			s.send(ev)
		}
	}
	return nil
}

// decodeLists reads tellActive/tellWaiting/tellStopped answers of a
// multicall (each [result], or an error object), in order.
func decodeLists(answers ...json.RawMessage) ([]downloader.Snapshot, error) {
	var list []downloader.Snapshot
	for _, r := range answers {
		var page [][]ariaStatus
		if err := json.Unmarshal(r, &page); err != nil || len(page) != 1 {
			return nil, remoteError(r)
		}
		for _, a := range page[0] {
			if s, ok := a.snapshot(len(list)); ok {
				list = append(list, s)
			}
		}
	}
	return list, nil
}

// leftQueue tells whether a task that was running, waiting or paused in
// old is missing from queue (the fresh active and waiting lists).
func leftQueue(old, queue []downloader.Snapshot) bool {
	in := make(map[string]bool, len(queue))
	for _, s := range queue {
		in[s.ID] = true
	}
	for _, s := range old {
		switch s.State {
		case downloader.StateActive, downloader.StateQueued, downloader.StatePaused:
			if !in[s.ID] {
				return true
			}
		}
	}
	return false
}

// remoteError reads a multicall entry that is an error object.
func remoteError(raw json.RawMessage) error {
	var e rpcError
	if json.Unmarshal(raw, &e) == nil && e.Message != "" {
		return fmt.Errorf("%w: %s", ErrRemote, e.Message)
	}
	return fmt.Errorf("%w: unexpected answer %.200s", ErrRemote, raw)
}

// diff turns two readings of the queue into events: Added, Changed (state,
// name, error, place), Progress (counters only), Removed.
func diff(old, cur []downloader.Snapshot) []downloader.Event {
	before := make(map[string]downloader.Snapshot, len(old))
	for _, s := range old {
		before[s.ID] = s
	}
	var evs []downloader.Event
	for _, s := range cur {
		p, ok := before[s.ID]
		delete(before, s.ID)
		switch {
		case !ok:
			evs = append(evs, downloader.Event{Kind: downloader.EventAdded, Task: s})
		case p.State != s.State || p.Name != s.Name || p.Folder != s.Folder || p.Error != s.Error || p.Position != s.Position || p.URL != s.URL:
			evs = append(evs, downloader.Event{Kind: downloader.EventChanged, Task: s})
		case p.Done != s.Done || p.Speed != s.Speed || p.Size != s.Size || p.Connections != s.Connections:
			evs = append(evs, downloader.Event{Kind: downloader.EventProgress, Task: s})
		}
	}
	for _, s := range old {
		if _, gone := before[s.ID]; gone {
			evs = append(evs, downloader.Event{Kind: downloader.EventRemoved, Task: s})
		}
	}
	return evs
}

// List returns the remote queue as last read: active, then waiting and
// paused, then finished and failed.
func (e *Engine) List() []downloader.Snapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]downloader.Snapshot(nil), e.list...)
}

// Get returns one task as last read, or downloader.ErrNotFound.
func (e *Engine) Get(id string) (downloader.Snapshot, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range e.list {
		if s.ID == id {
			return s, nil
		}
	}
	return downloader.Snapshot{}, downloader.ErrNotFound
}

// subscriber is one Subscribe channel. State events wait for the reader;
// progress is dropped when the reader is behind (the next reading brings
// fresher counters), as the local engine coalesces it.
type subscriber struct {
	ch     chan downloader.Event
	stop   chan struct{}
	once   sync.Once
	mu     sync.Mutex
	closed bool
}

func (s *subscriber) send(ev downloader.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if ev.Kind == downloader.EventProgress {
		select {
		case s.ch <- ev:
		default:
		}
		return
	}
	select {
	case s.ch <- ev:
	case <-s.stop:
	}
}

func (s *subscriber) end() {
	s.once.Do(func() {
		close(s.stop) // unblocks a send in progress
		s.mu.Lock()
		s.closed = true
		close(s.ch)
		s.mu.Unlock()
	})
}

// Subscribe returns a channel of events and a func that ends the
// subscription and closes the channel.
func (e *Engine) Subscribe() (<-chan downloader.Event, func()) {
	s := &subscriber{ch: make(chan downloader.Event, 256), stop: make(chan struct{})}
	e.mu.Lock()
	e.subs[s] = struct{}{}
	e.mu.Unlock()
	return s.ch, func() {
		e.mu.Lock()
		delete(e.subs, s)
		e.mu.Unlock()
		s.end()
	}
}

// errNoRemoteDelete: aria2's RPC has no call that deletes files.
var errNoRemoteDelete = errors.New("files on the other computer cannot be deleted from here; remove the download without deleting its file, then delete the file there")
