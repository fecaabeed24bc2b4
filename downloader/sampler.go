package downloader

import (
	"reflect"
	"sync/atomic"
	"time"
)

// sampleEvery is how often the sampler measures speeds and announces
// progress while tasks run.
const sampleEvery = 200 * time.Millisecond

// samplerState says whether the sampler goroutine runs. It runs only while
// a task runs or the flow watch has yet to see the bytes stop: a queue with
// nothing moving wakes nobody, so Haul idling in the background for days
// costs no CPU of its own. Guarded by Manager.mu.
type samplerState struct {
	on     bool
	starts int           // goroutines started so far (tests read it)
	done   chan struct{} // closed when the current goroutine returns
	// others counts what may leave a subscriber holding a snapshot other
	// than the sampler's last: a new subscriber, and every event emit
	// sends. The sampler then announces each running task once more even
	// when it has not changed since its own last word.
	others atomic.Uint64
}

// wakeSamplerLocked starts the sampler unless it runs; startLocked calls
// it for every task it starts. Under m.mu.
func (m *Manager) wakeSamplerLocked() {
	if m.sampler.on || m.ctx.Err() != nil {
		return
	}
	m.sampler.on = true
	m.sampler.starts++
	done := make(chan struct{})
	m.sampler.done = done
	m.wg.Add(1)
	go m.sample(done)
}

// sample measures speeds and announces progress a few times a second
// until nothing runs and no byte has flowed for FlowIdleAfter (so the flow
// watch has said false), or the manager closes.
func (m *Manager) sample(done chan struct{}) {
	defer m.wg.Done()
	defer close(done)
	tick := time.NewTicker(sampleEvery)
	defer tick.Stop()
	var last progressShown
	for {
		select {
		case <-m.ctx.Done():
			m.mu.Lock()
			m.sampler.on = false
			m.mu.Unlock()
			return
		case now := <-tick.C:
			active, ok := m.sampleTargets()
			if !ok {
				return
			}
			last = m.sampleTick(now, active, last)
		}
	}
}

// progressShown is what the sampler last announced of each running task,
// and the count of others' events it was announced after.
type progressShown struct {
	snaps  map[*task]Snapshot
	others uint64
	sent   int // progress events of this tick
}

// sampleTick measures the speed of each active task and announces its
// progress when its snapshot differs from the last one announced: a task
// that runs but moves nothing (a server that stalls, a retry's pause)
// redraws no window and wakes no subscriber. It returns what to compare
// with next time.
func (m *Manager) sampleTick(now time.Time, active []*task, last progressShown) progressShown {
	m.flow.sample(now, active)
	next := progressShown{snaps: make(map[*task]Snapshot, len(active)), others: m.sampler.others.Load()}
	fresh := next.others != last.others
	watched := m.watched()
	for _, t := range active {
		t.speed.Store(t.meter.sample(t.received.Load(), now))
		if !watched {
			continue
		}
		s := m.snapshot(t)
		next.snaps[t] = s
		if old, ok := last.snaps[t]; ok && !fresh && reflect.DeepEqual(old, s) {
			continue
		}
		m.emitSnapshot(EventProgress, s)
		next.sent++
	}
	return next
}

// watched reports whether anyone subscribed to events.
func (m *Manager) watched() bool {
	m.subsMu.Lock()
	defer m.subsMu.Unlock()
	return len(m.subs) > 0
}

// emitSnapshot announces s as emit does, for a snapshot already taken.
func (m *Manager) emitSnapshot(kind EventKind, s Snapshot) {
	m.subsMu.Lock()
	defer m.subsMu.Unlock()
	m.pushLocked(Event{Kind: kind, Task: s})
}

// sampleTargets returns the running tasks, or false when there are none
// and the flow watch is at rest: then the sampler is marked stopped under
// the same lock startLocked wakes it with, so no start is missed.
func (m *Manager) sampleTargets() ([]*task, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.running) == 0 && !m.flow.isFlowing() {
		m.sampler.on = false
		return nil, false
	}
	active := make([]*task, 0, len(m.running))
	for t := range m.running {
		active = append(active, t)
	}
	return active, true
}
