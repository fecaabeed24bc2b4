package downloader

import (
	"sync"
	"time"
)

// FlowIdleAfter is how long the queue must move no byte before it counts
// as idle again: long enough to ride over a retry's pause, short enough
// that a sleep inhibitor is released soon after the last byte.
const FlowIdleAfter = 3 * time.Second

// flowWatch tells observers whether bytes are flowing. The sampler feeds
// it; seen is owned by the sampler goroutine.
type flowWatch struct {
	seen map[*task]int64 // bytes received at the last sample

	mu      sync.Mutex
	flowing bool
	last    time.Time // the last sample that saw bytes arrive
	subs    map[chan bool]struct{}
}

// sample records which of the running tasks received bytes since the
// last call and announces a change of "flowing".
func (f *flowWatch) sample(now time.Time, active []*task) {
	if f.seen == nil {
		f.seen = map[*task]int64{}
	}
	moved := false
	next := make(map[*task]int64, len(active))
	for _, t := range active {
		n := t.received.Load()
		if n > 0 && n != f.seen[t] {
			moved = true
		}
		next[t] = n
	}
	f.seen = next
	f.mu.Lock()
	defer f.mu.Unlock()
	if moved {
		f.last = now
	}
	flowing := moved || (f.flowing && now.Sub(f.last) < FlowIdleAfter)
	if flowing != f.flowing {
		f.flowing = flowing
		for ch := range f.subs {
			sendLatest(ch, flowing)
		}
	}
}

// isFlowing reports the last word the watch announced.
func (f *flowWatch) isFlowing() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.flowing
}

// sendLatest replaces whatever ch holds with v; ch has room for one and
// only the caller sends on it.
func sendLatest(ch chan bool, v bool) {
	select {
	case <-ch:
	default:
	}
	ch <- v
}

// WatchFlow returns a channel that says true when bytes start flowing and
// false once none has arrived for FlowIdleAfter; it holds only the
// latest word, starting with the current one. The channel closes when the
// manager closes or stop is called. This is the engine's whole say in
// keeping the computer awake.
func (m *Manager) WatchFlow() (<-chan bool, func()) {
	ch := make(chan bool, 1)
	f := &m.flow
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.subs == nil {
		f.subs = map[chan bool]struct{}{}
	}
	ch <- f.flowing
	if m.ctx.Err() != nil {
		close(ch)
		return ch, func() {}
	}
	f.subs[ch] = struct{}{}
	return ch, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if _, ok := f.subs[ch]; ok {
			delete(f.subs, ch)
			close(ch)
		}
	}
}

// closeFlow ends every flow subscription; Close calls it.
func (f *flowWatch) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch := range f.subs {
		delete(f.subs, ch)
		close(ch)
	}
}
