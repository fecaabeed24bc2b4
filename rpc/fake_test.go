package rpc

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"haul/downloader"
)

// fakeEngine is an in-memory Engine whose task states tests drive.
type fakeEngine struct {
	mu       sync.Mutex
	order    []*downloader.Snapshot
	settings downloader.Settings
	subs     map[chan downloader.Event]struct{}
	seq      int
	added    []downloader.Request
	// sessionChanges counts SetSessionSettings calls.
	sessionChanges int
}

func newFake() *fakeEngine {
	return &fakeEngine{
		settings: downloader.DefaultSettings("/downloads"),
		subs:     map[chan downloader.Event]struct{}{},
	}
}

func (f *fakeEngine) emitLocked(kind downloader.EventKind, s *downloader.Snapshot) {
	ev := downloader.Event{Kind: kind, Task: *s}
	for ch := range f.subs {
		ch <- ev
	}
}

func (f *fakeEngine) findLocked(id string) (int, error) {
	for i, s := range f.order {
		if s.ID == id {
			return i, nil
		}
	}
	return -1, fmt.Errorf("task %s: %w", id, downloader.ErrNotFound)
}

func (f *fakeEngine) Add(_ context.Context, reqs ...downloader.Request) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := make([]string, len(reqs))
	for i, r := range reqs {
		if _, err := downloader.ParseURL(r.URL); err != nil {
			return ids, err
		}
		f.seq++
		s := &downloader.Snapshot{
			ID: fmt.Sprintf("%016x", 0xa000+f.seq), URL: r.URL, Folder: r.Folder, Name: r.Name,
			Size: -1, State: downloader.StateQueued, Options: r.Options, Created: time.Now(),
		}
		if s.Folder == "" {
			s.Folder = f.settings.Folder
		}
		if r.Paused {
			s.State = downloader.StatePaused
		}
		f.order = append(f.order, s)
		f.added = append(f.added, r)
		f.emitLocked(downloader.EventAdded, s)
		ids[i] = s.ID
	}
	return ids, nil
}

func (f *fakeEngine) Get(id string) (downloader.Snapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i, err := f.findLocked(id)
	if err != nil {
		return downloader.Snapshot{}, err
	}
	s := *f.order[i]
	s.Position = i
	return s, nil
}

func (f *fakeEngine) List() []downloader.Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]downloader.Snapshot, len(f.order))
	for i, s := range f.order {
		out[i] = *s
		out[i].Position = i
	}
	return out
}

// set changes a task the way the engine would and announces it.
func (f *fakeEngine) set(id string, change func(*downloader.Snapshot)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i, err := f.findLocked(id)
	if err != nil {
		panic(err)
	}
	change(f.order[i])
	f.emitLocked(downloader.EventChanged, f.order[i])
}

func (f *fakeEngine) setState(id string, st downloader.State) {
	f.set(id, func(s *downloader.Snapshot) { s.State = st })
}

func (f *fakeEngine) Pause(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	i, err := f.findLocked(id)
	if err != nil {
		return err
	}
	if s := f.order[i]; s.State == downloader.StateActive || s.State == downloader.StateQueued {
		s.State = downloader.StatePaused
		f.emitLocked(downloader.EventChanged, s)
	}
	return nil
}

func (f *fakeEngine) Resume(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	i, err := f.findLocked(id)
	if err != nil {
		return err
	}
	if s := f.order[i]; s.State == downloader.StatePaused || s.State == downloader.StateFailed {
		s.State = downloader.StateQueued
		f.emitLocked(downloader.EventChanged, s)
	}
	return nil
}

func (f *fakeEngine) Remove(id string, _ bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	i, err := f.findLocked(id)
	if err != nil {
		return err
	}
	s := f.order[i]
	f.order = slices.Delete(f.order, i, i+1)
	f.emitLocked(downloader.EventRemoved, s)
	return nil
}

func (f *fakeEngine) Move(id string, to downloader.MoveTo) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	i, err := f.findLocked(id)
	if err != nil {
		return err
	}
	t := f.order[i]
	n := len(f.order)
	switch to {
	case downloader.MoveUp:
		if i > 0 {
			f.order[i-1], f.order[i] = f.order[i], f.order[i-1]
		}
	case downloader.MoveDown:
		if i < n-1 {
			f.order[i+1], f.order[i] = f.order[i], f.order[i+1]
		}
	case downloader.MoveTop:
		f.order = slices.Insert(slices.Delete(f.order, i, i+1), 0, t)
	case downloader.MoveBottom:
		f.order = append(slices.Delete(f.order, i, i+1), t)
	}
	return nil
}

func (f *fakeEngine) SetOptions(id string, o downloader.Options) error {
	if o.Connections < 0 || o.Connections > downloader.MaxConnections {
		return downloader.ErrBadOption
	}
	f.set(id, func(s *downloader.Snapshot) { s.Options = o })
	return nil
}

func (f *fakeEngine) PauseAll() {
	for _, s := range f.List() {
		_ = f.Pause(s.ID)
	}
}

func (f *fakeEngine) ResumeAll() {
	for _, s := range f.List() {
		if s.State == downloader.StatePaused {
			_ = f.Resume(s.ID)
		}
	}
}

func (f *fakeEngine) Stats() downloader.Stats {
	var st downloader.Stats
	for _, s := range f.List() {
		switch s.State {
		case downloader.StateActive:
			st.Active++
			st.Speed += s.Speed
		case downloader.StateQueued:
			st.Queued++
		case downloader.StatePaused:
			st.Paused++
		case downloader.StateCompleted:
			st.Completed++
		case downloader.StateFailed:
			st.Failed++
		}
	}
	return st
}

func (f *fakeEngine) Subscribe() (<-chan downloader.Event, func()) {
	ch := make(chan downloader.Event, 4096)
	f.mu.Lock()
	f.subs[ch] = struct{}{}
	f.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			f.mu.Lock()
			delete(f.subs, ch)
			f.mu.Unlock()
			close(ch)
		})
	}
}

func (f *fakeEngine) Settings() downloader.Settings {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.settings
}

func (f *fakeEngine) SetSettings(s downloader.Settings) error {
	if s.MaxActive < 1 || s.MaxActive > 100 || s.Folder == "" {
		return downloader.ErrBadSettings
	}
	f.mu.Lock()
	f.settings = s
	f.mu.Unlock()
	return nil
}

// SetSessionSettings records that a session change happened; the fake
// keeps one layer.
func (f *fakeEngine) SetSessionSettings(s downloader.Settings) error {
	if err := f.SetSettings(s); err != nil {
		return err
	}
	f.mu.Lock()
	f.sessionChanges++
	f.mu.Unlock()
	return nil
}

func (f *fakeEngine) requests() []downloader.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.added)
}
