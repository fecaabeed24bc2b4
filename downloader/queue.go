package downloader

import (
	"context"
	"errors"
	"time"
)

// scheduleLocked starts queued tasks, in queue order, until MaxActive run;
// when MaxActive was lowered, the tasks furthest down the queue go back to
// waiting. Tasks that were running when Haul stopped go first.
func (m *Manager) scheduleLocked() {
	if m.closed || m.noStart {
		return
	}
	limit := m.settingsSnapshot().MaxActive
	if !m.sched.open.Load() {
		m.holdForScheduleLocked()
	}
	if over := len(m.running) - limit; over > 0 {
		for i := len(m.order) - 1; i >= 0 && over > 0; i-- {
			t := m.order[i]
			if _, ok := m.running[t]; ok && !t.stopping {
				t.stopping = true
				t.cancel(errRequeue)
				over--
			}
		}
		return
	}
	for _, first := range []bool{true, false} {
		for _, t := range m.order {
			if len(m.running) >= limit {
				return
			}
			t.mu.Lock()
			ready := t.rec.State == StateQueued && !t.broken && !t.held && (!first || t.resumeFirst) &&
				m.scheduleOpenForLocked(t)
			t.mu.Unlock()
			if ready {
				if _, busy := m.running[t]; !busy {
					m.startLocked(t)
				}
			}
		}
	}
}

// startLocked runs t in a goroutine owned by the manager.
func (m *Manager) startLocked(t *task) {
	ctx, cancel := context.WithCancelCause(m.ctx)
	t.cancel = cancel
	t.done = make(chan struct{})
	t.stopping = false
	m.running[t] = struct{}{}
	m.wakeSamplerLocked()
	t.mu.Lock()
	t.rec.State = StateActive
	t.setErrorLocked(nil)
	t.errText = ""
	t.phase = PhaseProbing
	t.resumeFirst = false
	t.started = time.Now()
	rec := t.recordLocked()
	t.mu.Unlock()
	t.meter.reset()
	t.received.Store(0)
	t.saveRecord(rec)
	m.emit(EventChanged, t)
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		err := t.execute(ctx)
		// A run that finished is complete whatever stopped it meanwhile
		// (pause or quit while verifying): only a failure takes the cause.
		if err != nil && ctx.Err() != nil {
			if cause := context.Cause(ctx); cause != nil {
				err = cause
			}
		}
		m.finished(t, err)
	}()
}

var errRequeue = errors.New("back to the queue")

// finished records how a run ended, announces it and starts the next task.
func (m *Manager) finished(t *task, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.running, t)
	done := t.done
	t.cancel, t.done = nil, nil
	defer close(done)

	t.mu.Lock()
	t.phase = PhaseNone
	t.conns = 0
	t.speed.Store(0)
	t.run = nil
	// The live plan is folded back into the record.
	if t.pieces != nil {
		t.rec.Segments = compact(t.segmentsLocked())
		t.pieces = nil
	}
	removed := false
	switch {
	case err == nil:
		t.rec.State = StateCompleted
		t.rec.Finished = time.Now()
		t.setErrorLocked(nil)
		// The session is not needed any more: the cookies servers set and
		// the user's own Cookie and Authorization headers (a browser's
		// session) leave the record; the rest of the options stay.
		t.rec.Cookies = nil
		t.rec.Options.Headers = withoutSecrets(t.rec.Options.Headers)
		delete(m.names, joinPath(t.rec.Folder, t.rec.Name))
	case errors.Is(err, errClosing):
		// Stays active in the store: it continues on the next start.
		t.mu.Unlock()
		return
	case errors.Is(err, errRemoved):
		removed = true
	case errors.Is(err, errPaused):
		t.rec.State = StatePaused
	case errors.Is(err, errRequeue):
		t.rec.State = StateQueued
	case errors.Is(err, errCanceled):
		m.deletePart(t.rec.Folder, t.rec.Name)
		t.resetLocked()
		t.rec.State = StateFailed
		t.setErrorLocked(errCanceled)
	case classify(err) == classDisk, errors.Is(err, ErrLinkExpired):
		// Both wait for the user: free space, or a fresh link.
		t.rec.State = StatePaused
		t.setErrorLocked(err)
		t.logLocked(t.rec.Error)
	default:
		t.rec.State = StateFailed
		t.rec.Finished = time.Now()
		t.setErrorLocked(err)
		t.logLocked(t.rec.Error)
	}
	rec := t.recordLocked()
	t.mu.Unlock()
	if removed {
		return
	}
	t.saveRecord(rec)
	m.emit(EventChanged, t)
	m.scheduleLocked()
}
