// Package fakeengine is an in-memory stand-in for downloader.Manager in
// the front ends' tests: it satisfies gui.Engine and rpc.Engine, keeps a
// queue the way the engine does (states, order, settings, one session
// layer) and records what it was asked. For tests only.
package fakeengine

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"haul/downloader"
)

// Engine is the fake. Safe for concurrent use.
type Engine struct {
	mu       sync.Mutex
	tasks    []downloader.Snapshot // queue order
	settings downloader.Settings
	subs     []chan downloader.Event
	nextID   int
	sessions int

	// Added holds every request passed to Add, in order.
	Added []downloader.Request
	// Calls logs the calls a window makes, like "pause t1", "remove t2
	// true", "move t3 2", "pause all" or "settings".
	Calls []string
	// SettingsErr, when set, is returned by SetSettings.
	SettingsErr error
	// ChangeErr, when set, is returned by ChangeURL.
	ChangeErr error
	// IDs names the n-th added task (from 1); nil gives 16 hex digits,
	// as the engine's ids (and so aria2 GIDs) are.
	IDs func(n int) string
}

// New returns an engine with the given settings and tasks, in queue order.
func New(s downloader.Settings, tasks ...downloader.Snapshot) *Engine {
	return &Engine{settings: s, tasks: tasks}
}

// Emit delivers an event to every subscriber, and keeps List in step.
func (e *Engine) Emit(kind downloader.EventKind, s downloader.Snapshot) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.emitLocked(kind, s)
}

func (e *Engine) emitLocked(kind downloader.EventKind, s downloader.Snapshot) {
	i := e.indexLocked(s.ID)
	switch {
	case kind == downloader.EventRemoved && i >= 0:
		e.tasks = slices.Delete(e.tasks, i, i+1)
	case kind != downloader.EventRemoved && i >= 0:
		e.tasks[i] = s
	case kind != downloader.EventRemoved:
		e.tasks = append(e.tasks, s)
	}
	for _, ch := range e.subs {
		ch <- downloader.Event{Kind: kind, Task: s}
	}
}

func (e *Engine) indexLocked(id string) int {
	return slices.IndexFunc(e.tasks, func(t downloader.Snapshot) bool { return t.ID == id })
}

func (e *Engine) findLocked(id string) (int, error) {
	if i := e.indexLocked(id); i >= 0 {
		return i, nil
	}
	return -1, fmt.Errorf("task %s: %w", id, downloader.ErrNotFound)
}

// Set changes a task the way the engine would and announces it; the task
// must exist.
func (e *Engine) Set(id string, change func(*downloader.Snapshot)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	i, err := e.findLocked(id)
	if err != nil {
		panic(err)
	}
	s := e.tasks[i]
	change(&s)
	e.emitLocked(downloader.EventChanged, s)
}

// SetState moves a task to st and announces it.
func (e *Engine) SetState(id string, st downloader.State) {
	e.Set(id, func(s *downloader.Snapshot) { s.State = st })
}

// CallLog returns a copy of Calls.
func (e *Engine) CallLog() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.Calls)
}

// Requests returns a copy of Added.
func (e *Engine) Requests() []downloader.Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.Added)
}

// SessionChanges counts SetSessionSettings calls.
func (e *Engine) SessionChanges() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.sessions
}

// Add queues each request with a link the engine would take, as Queued
// (or Paused), in the download folder when it names none.
func (e *Engine) Add(_ context.Context, reqs ...downloader.Request) ([]string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ids := make([]string, len(reqs))
	for i, r := range reqs {
		if _, err := downloader.ParseURL(r.URL); err != nil {
			return ids, err
		}
		e.Added = append(e.Added, r)
		e.nextID++
		ids[i] = fmt.Sprintf("%016x", 0xa000+e.nextID)
		if e.IDs != nil {
			ids[i] = e.IDs(e.nextID)
		}
		st := downloader.StateQueued
		if r.Paused {
			st = downloader.StatePaused
		}
		folder := r.Folder
		if folder == "" {
			folder = e.settings.Folder
		}
		e.emitLocked(downloader.EventAdded, downloader.Snapshot{
			ID: ids[i], URL: r.URL, Folder: folder, Name: r.Name, Size: -1, ETA: -1,
			State: st, Options: r.Options, Position: len(e.tasks), Created: time.Now(),
		})
	}
	return ids, nil
}

// Get returns one task with its place in the queue.
func (e *Engine) Get(id string) (downloader.Snapshot, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	i, err := e.findLocked(id)
	if err != nil {
		return downloader.Snapshot{}, err
	}
	s := e.tasks[i]
	s.Position = i
	return s, nil
}

// List returns every task in queue order.
func (e *Engine) List() []downloader.Snapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := slices.Clone(e.tasks)
	for i := range out {
		out[i].Position = i
	}
	return out
}

// transitionLocked moves the task at i from one of from to to, announcing
// it; other states stay.
func (e *Engine) transitionLocked(i int, to downloader.State, from ...downloader.State) {
	if s := e.tasks[i]; slices.Contains(from, s.State) {
		s.State = to
		e.emitLocked(downloader.EventChanged, s)
	}
}

func (e *Engine) call(id, what string, to downloader.State, from ...downloader.State) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Calls = append(e.Calls, what)
	i, err := e.findLocked(id)
	if err != nil {
		return err
	}
	e.transitionLocked(i, to, from...)
	return nil
}

// Pause pauses a running or queued task.
func (e *Engine) Pause(id string) error {
	return e.call(id, "pause "+id, downloader.StatePaused, downloader.StateActive, downloader.StateQueued)
}

// Resume queues a paused or failed task again.
func (e *Engine) Resume(id string) error {
	return e.call(id, "resume "+id, downloader.StateQueued, downloader.StatePaused, downloader.StateFailed)
}

func (e *Engine) Remove(id string, deleteFile bool) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Calls = append(e.Calls, fmt.Sprintf("remove %s %v", id, deleteFile))
	i, err := e.findLocked(id)
	if err != nil {
		return err
	}
	e.emitLocked(downloader.EventRemoved, e.tasks[i])
	return nil
}

// Move changes the task's place in the queue.
func (e *Engine) Move(id string, to downloader.MoveTo) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Calls = append(e.Calls, fmt.Sprintf("move %s %d", id, to))
	i, err := e.findLocked(id)
	if err != nil {
		return err
	}
	t, n := e.tasks[i], len(e.tasks)
	switch to {
	case downloader.MoveUp:
		if i > 0 {
			e.tasks[i-1], e.tasks[i] = e.tasks[i], e.tasks[i-1]
		}
	case downloader.MoveDown:
		if i < n-1 {
			e.tasks[i+1], e.tasks[i] = e.tasks[i], e.tasks[i+1]
		}
	case downloader.MoveTop:
		e.tasks = slices.Insert(slices.Delete(e.tasks, i, i+1), 0, t)
	case downloader.MoveBottom:
		e.tasks = append(slices.Delete(e.tasks, i, i+1), t)
	}
	// As the engine does: every task whose place changed is announced.
	for j, s := range e.tasks {
		if s.Position != j {
			s.Position = j
			e.emitLocked(downloader.EventChanged, s)
		}
	}
	return nil
}

// SetOptions replaces a task's options.
func (e *Engine) SetOptions(id string, o downloader.Options) error {
	if o.Connections < 0 || o.Connections > downloader.MaxConnections {
		return downloader.ErrBadOption
	}
	e.Set(id, func(s *downloader.Snapshot) { s.Options = o })
	return nil
}

func (e *Engine) PauseAll() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Calls = append(e.Calls, "pause all")
	for i := range e.tasks {
		e.transitionLocked(i, downloader.StatePaused, downloader.StateActive, downloader.StateQueued)
	}
}

func (e *Engine) ResumeAll() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Calls = append(e.Calls, "resume all")
	for i := range e.tasks {
		e.transitionLocked(i, downloader.StateQueued, downloader.StatePaused)
	}
}

// Stats counts the tasks by state and sums the speed.
func (e *Engine) Stats() downloader.Stats {
	return downloader.StatsOf(e.List())
}

// Subscribe's channel is deep enough for any test; the real engine
// coalesces instead.
func (e *Engine) Subscribe() (<-chan downloader.Event, func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ch := make(chan downloader.Event, 1<<16)
	e.subs = append(e.subs, ch)
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.subs = slices.DeleteFunc(e.subs, func(c chan downloader.Event) bool { return c == ch })
			close(ch)
		})
	}
}

func (e *Engine) Settings() downloader.Settings {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.settings
}

// SetSettings stores s (or returns SettingsErr) and announces
// EventSettings.
func (e *Engine) SetSettings(s downloader.Settings) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.SettingsErr != nil {
		return e.SettingsErr
	}
	e.Calls = append(e.Calls, "settings")
	e.setLocked(s)
	return nil
}

// SetSessionSettings stores s as the engine would for this session only
// (the fake keeps one layer) and counts the change.
func (e *Engine) SetSessionSettings(s downloader.Settings) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.sessions++
	e.setLocked(s)
	return nil
}

func (e *Engine) setLocked(s downloader.Settings) {
	e.settings = s
	for _, ch := range e.subs {
		ch <- downloader.Event{Kind: downloader.EventSettings}
	}
}

// ChangeURL records "changeurl ID URL" and gives the task the link, or
// returns ChangeErr when set.
func (e *Engine) ChangeURL(_ context.Context, id, newURL string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Calls = append(e.Calls, "changeurl "+id+" "+newURL)
	if e.ChangeErr != nil {
		return e.ChangeErr
	}
	i := slices.IndexFunc(e.tasks, func(t downloader.Snapshot) bool { return t.ID == id })
	if i < 0 {
		return downloader.ErrNotFound
	}
	e.tasks[i].URL = newURL
	return nil
}
