package downloader

import (
	"sync"
	"sync/atomic"
	"time"
)

// PhaseWaitingSchedule marks a queued task held because the schedule does
// not allow the queue to run now.
const PhaseWaitingSchedule Phase = "waiting for the schedule"

// scheduleRecheck bounds how long a schedule timer waits. Timers run on
// the monotonic clock, which stands still while the computer sleeps and
// ignores changes to the wall clock; re-reading the time at least this
// often keeps a window from opening hours late after a resume.
const scheduleRecheck = time.Minute

// scheduler applies Settings.Schedule: whether the queue may start tasks
// and the global limit in force. mu serialises applying; it is taken
// before m.mu, never while holding it.
type scheduler struct {
	mu    sync.Mutex
	timer Timer
	next  time.Time
	open  atomic.Bool
	limit atomic.Int64
}

// ScheduleState is what the schedule does now, for a status bar.
type ScheduleState struct {
	// Open reports whether the queue may start tasks now.
	Open bool
	// Next is when Open or Limit may change next; zero when never.
	Next time.Time
	// Limit is the global speed limit in force, bytes per second
	// (0 = unlimited): the saved one or the scheduled one.
	Limit int64
	// Scheduled reports whether any schedule is set at all.
	Scheduled bool
	// Until is when Open flips: the queue's next start while closed, its
	// next stop while open; zero when never (within a fortnight).
	Until time.Time
}

// ScheduleState reports what the schedule does now.
func (m *Manager) ScheduleState() ScheduleState {
	st := m.settingsSnapshot()
	m.sched.mu.Lock()
	next := m.sched.next
	m.sched.mu.Unlock()
	open := m.sched.open.Load()
	return ScheduleState{
		Until:     st.Schedule.nextFlip(m.clock.Now(), open),
		Open:      open,
		Next:      next,
		Limit:     m.sched.limit.Load(),
		Scheduled: st.Schedule.Mode != ScheduleAlways || len(st.Schedule.Limits) > 0,
	}
}

// nextFlip is the first instant after t at which Allows is no longer
// open, or the zero time when there is none within two weeks.
func (s Schedule) nextFlip(t time.Time, open bool) time.Time {
	s.Limits = nil
	if open && s.Mode != ScheduleWindows {
		return time.Time{}
	}
	end := t.AddDate(0, 0, 14)
	for c := s.NextChange(t); !c.IsZero() && c.Before(end); c = s.NextChange(c) {
		if s.Allows(c) != open {
			return c
		}
	}
	return time.Time{}
}

// applySchedule reads the clock, sets the limit and the queue's gate from
// the schedule, starts or holds tasks to match and arms the timer for the
// next boundary.
func (m *Manager) applySchedule() {
	m.sched.mu.Lock()
	defer m.sched.mu.Unlock()
	if m.ctx.Err() != nil {
		return
	}
	st := m.settingsSnapshot()
	now := m.clock.Now()
	// A held manager runs only what its user asked for right now.
	open := m.hold || st.Schedule.Allows(now)
	limit := EffectiveLimit(st.GlobalLimit, st.Schedule, now)
	if m.sched.limit.Swap(limit) != limit {
		// The limit in force changed (an hour of the schedule began or
		// ended): a status bar showing it must hear of it even when no
		// task changes.
		defer m.emitSettings()
	}
	setLimit(m.global, limit)
	if m.sched.timer != nil {
		m.sched.timer.Stop()
		m.sched.timer = nil
	}
	m.sched.next = st.Schedule.NextChange(now)
	if !m.sched.next.IsZero() {
		wait := min(m.sched.next.Sub(now), scheduleRecheck)
		m.sched.timer = m.clock.AfterFunc(wait, m.applySchedule)
	}
	changed := m.sched.open.Swap(open) != open
	m.mu.Lock()
	defer m.mu.Unlock()
	if changed {
		// Queued tasks change their phase with the gate.
		for _, t := range m.order {
			if _, busy := m.running[t]; !busy && t.state() == StateQueued {
				m.emit(EventChanged, t)
			}
		}
	}
	m.scheduleLocked()
}

// stopSchedule disarms the timer; Close calls it.
func (m *Manager) stopSchedule() {
	m.sched.mu.Lock()
	defer m.sched.mu.Unlock()
	if m.sched.timer != nil {
		m.sched.timer.Stop()
		m.sched.timer = nil
	}
}

// scheduleOpenFor reports whether t may start now: the schedule is open
// or t was marked to start now anyway. The caller holds t.mu.
func (m *Manager) scheduleOpenForLocked(t *task) bool {
	return m.sched.open.Load() || t.rec.StartNow
}

// holdForScheduleLocked sends running tasks the schedule no longer allows
// back to the queue, first in line for when it opens. The caller holds
// m.mu.
func (m *Manager) holdForScheduleLocked() {
	for t := range m.running {
		if t.stopping {
			continue
		}
		t.mu.Lock()
		hold := !m.scheduleOpenForLocked(t)
		if hold {
			t.resumeFirst = true
		}
		t.mu.Unlock()
		if hold {
			t.stopping = true
			t.cancel(errRequeue)
		}
	}
}

// StartNow marks a task to run whatever the schedule says, and queues it
// again if it was paused or failed (as Resume). It still waits for a free
// slot (Settings.MaxActive). The mark is stored with the task. Errors:
// ErrNotFound, ErrBroken.
func (m *Manager) StartNow(id string) error {
	m.mu.Lock()
	t, err := m.getLocked(id)
	if err == nil && !t.broken {
		t.mu.Lock()
		t.rec.StartNow = true
		t.mu.Unlock()
		m.persistLocked(t)
		m.emit(EventChanged, t)
	}
	m.mu.Unlock()
	if err != nil {
		return err
	}
	return m.Resume(id)
}

// withSchedulePhase shows a queued task held by the schedule as such.
func (m *Manager) withSchedulePhase(s Snapshot) Snapshot {
	if s.State == StateQueued && !s.StartNow && !m.sched.open.Load() {
		s.Phase = PhaseWaitingSchedule
	}
	return s
}

func (t *task) state() State {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.rec.State
}
