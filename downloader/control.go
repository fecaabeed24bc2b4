package downloader

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
)

// Pause stops a running or queued task; its progress is kept. Pausing a
// task that is not running or queued does nothing. Errors: ErrNotFound.
func (m *Manager) Pause(id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, err := m.getLocked(id)
	if err != nil {
		return err
	}
	m.pauseLocked(t)
	return nil
}

func (m *Manager) pauseLocked(t *task) {
	if _, ok := m.running[t]; ok {
		t.stopping = true
		t.cancel(errPaused)
		return
	}
	t.mu.Lock()
	if t.rec.State != StateQueued {
		t.mu.Unlock()
		return
	}
	t.rec.State = StatePaused
	t.mu.Unlock()
	m.persistLocked(t)
	m.emit(EventChanged, t)
}

// Resume queues a paused or failed task again; it starts when its turn
// comes. Errors: ErrNotFound, ErrBroken (a damaged record can only be
// removed).
func (m *Manager) Resume(id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, err := m.getLocked(id)
	if err != nil {
		return err
	}
	if t.broken {
		return fmt.Errorf("task %s: %w", id, ErrBroken)
	}
	m.resumeLocked(t)
	m.scheduleLocked()
	return nil
}

func (m *Manager) resumeLocked(t *task) {
	if _, ok := m.running[t]; ok {
		return
	}
	t.mu.Lock()
	t.held = false
	if t.rec.State != StatePaused && t.rec.State != StateFailed {
		t.mu.Unlock()
		return
	}
	t.rec.State = StateQueued
	t.setErrorLocked(nil)
	t.errText = ""
	t.mu.Unlock()
	m.persistLocked(t)
	m.emit(EventChanged, t)
}

// PauseAll pauses every running and queued task.
func (m *Manager) PauseAll() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range m.order {
		m.pauseLocked(t)
	}
}

// ResumeAll queues every paused task again (failed ones stay failed).
func (m *Manager) ResumeAll() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range m.order {
		t.mu.Lock()
		paused := t.rec.State == StatePaused && !t.broken
		t.mu.Unlock()
		if paused {
			m.resumeLocked(t)
		}
	}
	m.scheduleLocked()
}

// Cancel stops a task and throws its partial data away; the task stays in
// the list as failed and can be started again from zero. Errors:
// ErrNotFound.
func (m *Manager) Cancel(id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, err := m.getLocked(id)
	if err != nil {
		return err
	}
	if _, ok := m.running[t]; ok {
		t.stopping = true
		t.cancel(errCanceled)
		return nil
	}
	t.mu.Lock()
	if t.rec.State == StateCompleted {
		t.mu.Unlock()
		return nil
	}
	m.deletePart(t.rec.Folder, t.rec.Name)
	t.resetLocked()
	t.rec.State = StateFailed
	t.setErrorLocked(errCanceled)
	t.mu.Unlock()
	m.persistLocked(t)
	m.emit(EventChanged, t)
	return nil
}

// Remove deletes a task from the list. Its partial file is always
// deleted; deleteFile also deletes a completed file (a file that cannot
// be deleted is noted in the log, not returned). Errors: ErrNotFound, or
// the store's error when the record cannot be deleted.
func (m *Manager) Remove(id string, deleteFile bool) error {
	m.mu.Lock()
	t, err := m.getLocked(id)
	if err != nil {
		m.mu.Unlock()
		return err
	}
	var done chan struct{}
	if _, ok := m.running[t]; ok {
		t.stopping = true
		t.cancel(errRemoved)
		done = t.done
	}
	m.mu.Unlock()
	if done != nil {
		<-done // the run must let go of its files first
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.tasks[id]; !ok {
		return nil // removed concurrently
	}
	t.mu.Lock()
	folder, name, state := t.rec.Folder, t.rec.Name, t.rec.State
	t.mu.Unlock()
	// The files go before the record: a crash in between leaves a record
	// without a part file (which restarts cleanly), never a part file no
	// record owns.
	if state != StateCompleted {
		m.deletePart(folder, name)
	} else if deleteFile && name != "" {
		if err := m.fs.Remove(filepath.Join(folder, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.mu.Lock()
			t.logLocked("Could not delete the file: " + err.Error())
			t.mu.Unlock()
		}
	}
	if err := m.store.DeleteTask(id); err != nil {
		return fmt.Errorf("remove task %s: %w", id, err)
	}
	delete(m.tasks, id)
	delete(m.names, joinPath(folder, name))
	for i, o := range m.order {
		if o == t {
			m.order = append(m.order[:i], m.order[i+1:]...)
			break
		}
	}
	m.renumberLocked()
	m.emit(EventRemoved, t)
	m.scheduleLocked()
	return nil
}

// Move changes a task's place in the queue, which decides who starts next.
// Errors: ErrNotFound, ErrBadOption for an unknown MoveTo.
func (m *Manager) Move(id string, to MoveTo) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, err := m.getLocked(id)
	if err != nil {
		return err
	}
	i := int(t.pos.Load())
	n := len(m.order)
	var changed []*task
	switch to {
	case MoveUp, MoveDown:
		j := i - 1
		if to == MoveDown {
			j = i + 1
		}
		if j < 0 || j >= n {
			return nil
		}
		o := m.order[j]
		t.rec.Order, o.rec.Order = o.rec.Order, t.rec.Order
		m.order[i], m.order[j] = o, t
		changed = []*task{t, o}
	case MoveTop:
		if i == 0 {
			return nil
		}
		t.rec.Order = m.order[0].rec.Order - 1
		copy(m.order[1:i+1], m.order[:i])
		m.order[0] = t
		changed = []*task{t}
	case MoveBottom:
		if i == n-1 {
			return nil
		}
		t.rec.Order = m.order[n-1].rec.Order + 1
		copy(m.order[i:], m.order[i+1:])
		m.order[n-1] = t
		changed = []*task{t}
	default:
		return fmt.Errorf("move %d: %w", to, ErrBadOption)
	}
	m.renumberLocked()
	for _, c := range changed {
		m.persistLocked(c)
		m.emit(EventChanged, c)
	}
	return nil
}

// SetOptions changes a task's options; a running task feels a new speed
// limit or connection count at once. Errors: ErrBadOption (connections
// outside 0..MaxConnections, a negative limit, a bad variant, proxy or
// remux), ErrBadChecksum, ErrNotFound.
func (m *Manager) SetOptions(id string, o Options) error {
	if err := o.validate(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	t, err := m.getLocked(id)
	if err != nil {
		return err
	}
	t.mu.Lock()
	t.rec.Options = cloneOptions(o)
	setLimit(t.limiter, o.SpeedLimit)
	r := t.run
	if r != nil {
		r.limit = t.connLimitLocked()
		r.shedSurplusLocked()
	}
	t.mu.Unlock()
	if r != nil {
		r.notify()
	}
	m.persistLocked(t)
	m.emit(EventChanged, t)
	return nil
}

// persistLocked writes t's record (saveRecord).
func (m *Manager) persistLocked(t *task) {
	if t.broken {
		return // keep the damaged record as it is until the user removes it
	}
	t.mu.Lock()
	rec := t.recordLocked()
	t.mu.Unlock()
	t.saveRecord(rec)
}

// saveRecord writes rec, t's record, taken under t.mu and passed without
// it held; a failure is logged on the task, since the in-memory state is
// still right and the next write may succeed.
func (t *task) saveRecord(rec TaskRecord) {
	if err := t.m.store.PutTask(rec); err != nil {
		t.mu.Lock()
		t.logLocked("Could not save task: " + err.Error())
		t.mu.Unlock()
	}
}
