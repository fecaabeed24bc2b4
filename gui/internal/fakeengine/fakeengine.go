// Package fakeengine is an in-memory stand-in for the download engine,
// recording what the GUI asks of it. For tests only.
package fakeengine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"haul/downloader"
)

// Engine satisfies gui.Engine. Safe for concurrent use.
type Engine struct {
	mu       sync.Mutex
	tasks    []downloader.Snapshot
	settings downloader.Settings
	subs     []chan downloader.Event
	nextID   int

	// Added holds every request passed to Add, in order.
	Added []downloader.Request
	// Calls logs the other mutating calls, like "pause t1" or "remove t2 true".
	Calls []string
	// SettingsErr, when set, is returned by SetSettings.
	SettingsErr error
	// ChangeErr, when set, is returned by ChangeURL.
	ChangeErr error
}

// New returns an engine with the given settings and tasks.
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
	i := slices.IndexFunc(e.tasks, func(t downloader.Snapshot) bool { return t.ID == s.ID })
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

func (e *Engine) Add(_ context.Context, reqs ...downloader.Request) ([]string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ids := make([]string, len(reqs))
	for i, r := range reqs {
		e.Added = append(e.Added, r)
		e.nextID++
		ids[i] = fmt.Sprintf("new%d", e.nextID)
		st := downloader.StateQueued
		if r.Paused {
			st = downloader.StatePaused
		}
		e.emitLocked(downloader.EventAdded, downloader.Snapshot{
			ID: ids[i], URL: r.URL, Folder: r.Folder, Name: r.Name, Size: -1, ETA: -1,
			State: st, Options: r.Options, Position: len(e.tasks),
		})
	}
	return ids, nil
}

func (e *Engine) setState(id string, st downloader.State, call string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Calls = append(e.Calls, call)
	i := slices.IndexFunc(e.tasks, func(t downloader.Snapshot) bool { return t.ID == id })
	if i < 0 {
		return errors.New("no such task")
	}
	s := e.tasks[i]
	s.State = st
	e.emitLocked(downloader.EventChanged, s)
	return nil
}

func (e *Engine) Pause(id string) error {
	return e.setState(id, downloader.StatePaused, "pause "+id)
}

func (e *Engine) Resume(id string) error {
	return e.setState(id, downloader.StateQueued, "resume "+id)
}

func (e *Engine) Remove(id string, deleteFile bool) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Calls = append(e.Calls, fmt.Sprintf("remove %s %v", id, deleteFile))
	i := slices.IndexFunc(e.tasks, func(t downloader.Snapshot) bool { return t.ID == id })
	if i < 0 {
		return errors.New("no such task")
	}
	e.emitLocked(downloader.EventRemoved, e.tasks[i])
	return nil
}

func (e *Engine) Move(id string, to downloader.MoveTo) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Calls = append(e.Calls, fmt.Sprintf("move %s %d", id, to))
	return nil
}

func (e *Engine) PauseAll() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Calls = append(e.Calls, "pause all")
}

func (e *Engine) ResumeAll() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Calls = append(e.Calls, "resume all")
}

func (e *Engine) List() []downloader.Snapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.tasks)
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

func (e *Engine) SetSettings(s downloader.Settings) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.SettingsErr != nil {
		return e.SettingsErr
	}
	e.settings = s
	e.Calls = append(e.Calls, "settings")
	return nil
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
