package gui

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"

	"haul/downloader"
)

// flushInterval paces UI updates: 6 Hz looks live and costs little.
const flushInterval = 160 * time.Millisecond

// batch is what one tick hands the UI: the newest event per task, and
// every finish that happened since the last tick.
type batch struct {
	events []downloader.Event
	// finished holds a snapshot for each time a task reached completed or
	// failed, in order. It is recorded as the events arrive, before they
	// are merged, so a task added and finished within one tick still
	// counts: a finish is an event, never inferred from two snapshots.
	finished []downloader.Snapshot
}

// bridge is the only path from engine goroutines into widgets.
//
// Its goroutine drains the subscription at once (the engine must never
// wait on the UI), keeps the newest event per task, and on each tick hands
// everything pending to apply in a single fyne.Do. While one batch is
// still queued on the UI goroutine no second one is sent; events keep
// collecting and go with the next tick.
type bridge struct {
	events <-chan downloader.Event
	apply  func(batch)  // runs on the UI goroutine
	do     func(func()) // fyne.Do; tests substitute

	mu       sync.Mutex
	pending  map[string]int // task id → index in queue
	queue    []downloader.Event
	finished []downloader.Snapshot
	// ended holds the tasks last seen completed or failed, so only the
	// step into that state counts as a finish.
	ended map[string]struct{}

	inFlight atomic.Bool
}

func newBridge(events <-chan downloader.Event, apply func(batch)) *bridge {
	return &bridge{
		events:  events,
		apply:   apply,
		do:      fyne.Do,
		pending: make(map[string]int),
		ended:   make(map[string]struct{}),
	}
}

// seed tells the bridge which tasks had already ended when the window
// listed them, so a later change to one of them is not taken for a finish.
// Call it before run.
func (b *bridge) seed(list []downloader.Snapshot) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, s := range list {
		if endedForUser(s) {
			b.ended[s.ID] = struct{}{}
		}
	}
}

// noteFinish records ev as a finish when it carries a task into completed
// or failed. Called with mu held.
func (b *bridge) noteFinish(ev *downloader.Event) {
	id := ev.Task.ID
	if ev.Kind == downloader.EventRemoved {
		delete(b.ended, id)
		return
	}
	_, was := b.ended[id]
	switch {
	case !endedForUser(ev.Task):
		delete(b.ended, id)
	case !was:
		b.ended[id] = struct{}{}
		b.finished = append(b.finished, ev.Task)
	}
}

// run is owned by the UI; it ends when ctx is done or the engine closes
// the subscription. tick paces the flushes (nil: only the last flush when
// the engine closes, for tests).
func (b *bridge) run(ctx context.Context, tick <-chan time.Time) {
	b.loop(ctx, fixedPace(tick))
}

// runPaced is run with a tick that exists only while something is
// pending: with no task moving, the bridge goroutine sleeps and the
// window does no work of its own.
func (b *bridge) runPaced(ctx context.Context, every time.Duration) {
	p := newLazyPace(every)
	defer p.stop()
	b.loop(ctx, p)
}

func (b *bridge) loop(ctx context.Context, p pace) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-b.events:
			if !ok {
				if ctx.Err() == nil {
					b.flush() // the last words of a closing engine
				}
				return
			}
			b.put(ev)
		case <-p.wait(b.hasPending()):
			p.fired()
			b.flush()
		}
	}
}

// put merges ev into the pending batch, keeping arrival order of first
// sight so a batch replays tasks in the order the engine announced them.
func (b *bridge) put(ev downloader.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.noteFinish(&ev)
	i, ok := b.pending[ev.Task.ID]
	if !ok {
		b.pending[ev.Task.ID] = len(b.queue)
		b.queue = append(b.queue, ev)
		return
	}
	prev := b.queue[i].Kind
	b.queue[i] = ev
	// The model must still learn that a task is new or gone when later
	// progress overtakes the announcement in the same batch.
	switch {
	case ev.Kind == downloader.EventRemoved:
	case prev == downloader.EventAdded, prev == downloader.EventChanged && ev.Kind == downloader.EventProgress:
		b.queue[i].Kind = prev
	}
}

// take removes and returns the pending batch.
func (b *bridge) take() batch {
	b.mu.Lock()
	defer b.mu.Unlock()
	q := batch{events: b.queue, finished: b.finished}
	b.queue, b.finished = nil, nil
	clear(b.pending)
	return q
}

func (b *bridge) hasPending() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.queue) > 0 || len(b.finished) > 0
}

// flush sends the pending batch to the UI goroutine, unless one is
// already on its way.
func (b *bridge) flush() {
	if !b.hasPending() || !b.inFlight.CompareAndSwap(false, true) {
		return
	}
	b.do(func() {
		defer b.inFlight.Store(false)
		if q := b.take(); len(q.events) > 0 || len(q.finished) > 0 {
			b.apply(q)
		}
	})
}
