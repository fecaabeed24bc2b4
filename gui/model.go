package gui

import (
	"cmp"
	"slices"
	"strings"

	"haul/downloader"
)

// Filter is a sidebar category.
type Filter int

const (
	FilterAll Filter = iota
	FilterDownloading
	FilterQueued // waiting for its turn (or the schedule)
	FilterPaused // paused by the user, or waiting for a fresh link
	FilterCompleted
	FilterFailed
	filterCount
)

// category is the one filter besides All that a task belongs to.
func category(s *downloader.Snapshot) Filter {
	if s.Broken {
		return FilterFailed
	}
	switch s.State {
	case downloader.StateActive:
		return FilterDownloading
	case downloader.StateCompleted:
		return FilterCompleted
	case downloader.StateFailed:
		return FilterFailed
	case downloader.StatePaused:
		return FilterPaused
	}
	return FilterQueued
}

// sortKey orders the table. Only keys that do not move on every progress
// tick are offered, so progress never forces a re-sort.
type sortKey int

const (
	sortQueue sortKey = iota
	sortName
	sortSize
	sortAdded
)

// taskModel is the table's data: every task by id, and the filtered,
// sorted view with an id→row index. It lives on the UI goroutine.
//
// A progress event touches one map entry and at most one row; the view is
// rebuilt only when membership or order can change (a task added or
// removed, a state or queue position changed), so 10,000 idle tasks cost
// nothing per tick.
type taskModel struct {
	tasks  map[string]*downloader.Snapshot
	view   []string
	index  map[string]int
	filter Filter
	sort   sortKey
	desc   bool

	counts [filterTotal]int // by Filter: states, then categories
	states map[downloader.State]int
	speed  int64 // sum over active tasks
}

func newTaskModel() *taskModel {
	return &taskModel{
		tasks:  make(map[string]*downloader.Snapshot),
		index:  make(map[string]int),
		states: make(map[downloader.State]int),
	}
}

// modelChange says what a batch did to the view.
type modelChange struct {
	rebuilt bool     // the view was rebuilt: refresh the whole table
	ids     []string // otherwise, the tasks in view whose rows may need a redraw
}

func (m *taskModel) apply(batch []downloader.Event) modelChange {
	var ch modelChange
	for i := range batch {
		ev := &batch[i]
		if ev.Kind == downloader.EventSettings {
			continue // not a task; the window reads the settings again (settingsfeed.go)
		}
		id := ev.Task.ID
		old := m.tasks[id]
		if ev.Kind == downloader.EventRemoved {
			if old != nil {
				m.account(old, -1)
				delete(m.tasks, id)
				ch.rebuilt = true
			}
			continue
		}
		snap := ev.Task
		s := &snap
		m.tasks[id] = s
		m.account(s, +1)
		if old == nil {
			ch.rebuilt = true
			continue
		}
		m.account(old, -1)
		if m.reorders(old, s) {
			ch.rebuilt = true
		} else if _, ok := m.index[id]; ok {
			ch.ids = append(ch.ids, id)
		}
	}
	if ch.rebuilt {
		ch.ids = nil
		m.rebuild()
	}
	return ch
}

func isFinished(s downloader.State) bool {
	return s == downloader.StateCompleted || s == downloader.StateFailed
}

// reorders tells whether going from old to s can move the task in or out
// of the view or change its place in it.
func (m *taskModel) reorders(old, s *downloader.Snapshot) bool {
	if category(old) != category(s) || old.Position != s.Position || taskCategory(old) != taskCategory(s) {
		return true
	}
	switch m.sort {
	case sortName:
		return old.Name != s.Name
	case sortSize:
		return old.Size != s.Size
	}
	return false
}

func (m *taskModel) account(s *downloader.Snapshot, d int) {
	m.counts[FilterAll] += d
	m.counts[category(s)] += d
	m.counts[CategoryFilter(taskCategory(s))] += d
	m.states[s.State] += d
	if s.State == downloader.StateActive {
		m.speed += int64(d) * s.Speed
	}
}

func (m *taskModel) setFilter(f Filter) {
	if f != m.filter {
		m.filter = f
		m.rebuild()
	}
}

// setSort orders by key; choosing the current key again flips direction.
func (m *taskModel) setSort(k sortKey) {
	if k == m.sort {
		m.desc = !m.desc
	} else {
		m.sort, m.desc = k, false
	}
	m.rebuild()
}

func (m *taskModel) rebuild() {
	m.view = m.view[:0]
	for id, s := range m.tasks {
		if filterMatches(m.filter, s) {
			m.view = append(m.view, id)
		}
	}
	slices.SortFunc(m.view, func(a, b string) int {
		sa, sb := m.tasks[a], m.tasks[b]
		c := 0
		switch m.sort {
		case sortName:
			c = strings.Compare(strings.ToLower(displayName(sa)), strings.ToLower(displayName(sb)))
		case sortSize:
			c = cmp.Compare(sa.Size, sb.Size)
		case sortAdded:
			c = sa.Created.Compare(sb.Created)
		}
		if m.desc {
			c = -c
		}
		if c == 0 {
			c = cmp.Compare(sa.Position, sb.Position)
		}
		if c == 0 {
			c = strings.Compare(a, b)
		}
		return c
	})
	clear(m.index)
	for i, id := range m.view {
		m.index[id] = i
	}
}

// at returns the task shown in row i, or nil past the end.
func (m *taskModel) at(i int) *downloader.Snapshot {
	if i < 0 || i >= len(m.view) {
		return nil
	}
	return m.tasks[m.view[i]]
}
