package downloader

import (
	"context"
	"fmt"
)

// Wait blocks until task id stops: it is Completed, Failed or Paused
// (by a user, or on its own for a full disk). It returns the task's
// snapshot at that moment; a Failed task is not an error of Wait, its
// snapshot carries Error and ErrorKind.
//
// Errors: ErrNotFound (wrapped) when there is no such task or it is
// removed while waiting, ErrClosed when the Manager closes first, and
// ctx.Err() (wrapped) when ctx ends first.
func (m *Manager) Wait(ctx context.Context, id string) (Snapshot, error) {
	// Subscribe before reading the state so no change falls between.
	events, stop := m.Subscribe()
	defer stop()
	s, err := m.Get(id)
	if err != nil {
		return Snapshot{}, err
	}
	for !stopped(s.State) {
		select {
		case <-ctx.Done():
			return s, fmt.Errorf("wait for task %s: %w", id, ctx.Err())
		case ev, ok := <-events:
			if !ok {
				return s, fmt.Errorf("wait for task %s: %w", id, ErrClosed)
			}
			if ev.Task.ID != id || ev.Kind == EventProgress || ev.Kind == EventSettings {
				continue
			}
			if ev.Kind == EventRemoved {
				return ev.Task, fmt.Errorf("task %s was removed: %w", id, ErrNotFound)
			}
			s = ev.Task
		}
	}
	return s, nil
}

// stopped tells whether a task in state st needs a Resume to move again.
func stopped(st State) bool {
	return st == StateCompleted || st == StateFailed || st == StatePaused
}
