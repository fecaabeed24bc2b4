package downloader

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// The session layer. The settings the Manager runs with (Settings) are
// the saved settings (the store's) with some fields overridden for this
// run only (SetSessionSettings): aria2 clients push options with
// changeGlobalOption after every capture, and in aria2 those last until
// it exits, so they must not silently become the user's preferences.
//
// This file is layers 1 and 2 of the four (the package doc, "Settings
// and their layers"): saved → session. The schedule (schedule.go,
// EffectiveLimit) and per-site rules (sites.go, ApplySite) sit above and
// read Settings, never write it. SetSettings writes the saved layer while
// keeping every override the caller did not change.
//
// Overrides are per field of Settings (UI excepted, which belongs to the
// front ends and is always saved), found by reflection so a field added
// later takes part without code here.

// sessionLayer is the Manager's record of which fields the session
// overrides and what is saved underneath.
type sessionLayer struct {
	mu    sync.Mutex
	saved *Settings       // the store's settings; nil until first needed
	over  map[string]bool // Settings field names overridden this session
}

// savedLocked is the saved layer; before any change it is what the
// Manager was opened with. The caller holds m.session.mu.
func (m *Manager) savedLocked() Settings {
	if m.session.saved == nil {
		s := m.settingsSnapshot()
		m.session.saved = &s
	}
	return *m.session.saved
}

// SavedSettings returns the settings as saved, without this session's
// overrides: what the next start will use.
func (m *Manager) SavedSettings() Settings {
	m.session.mu.Lock()
	defer m.session.mu.Unlock()
	s := m.savedLocked()
	s.UI = maps.Clone(s.UI)
	return s
}

// SessionOverrides names the Settings fields (their JSON names, sorted)
// that this session overrides; empty when Settings equals SavedSettings.
func (m *Manager) SessionOverrides() []string {
	m.session.mu.Lock()
	defer m.session.mu.Unlock()
	names := make([]string, 0, len(m.session.over))
	t := reflect.TypeFor[Settings]()
	for f := range m.session.over {
		sf, _ := t.FieldByName(f)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// SetSessionSettings runs with s until the Manager closes without saving
// it: every field of s that differs from the saved settings becomes a
// session override (s.UI is ignored). It validates like SetSettings and
// applies at once. Pass Settings() with some fields changed. Subscribers
// get EventSettings. Errors: ErrBadSettings.
func (m *Manager) SetSessionSettings(s Settings) error {
	if err := s.validate(); err != nil {
		return err
	}
	m.session.mu.Lock()
	defer m.session.mu.Unlock()
	saved := m.savedLocked()
	if m.session.over == nil {
		m.session.over = map[string]bool{}
	}
	eachField(func(name string) {
		if fieldEqual(s, saved, name) {
			delete(m.session.over, name)
		} else {
			m.session.over[name] = true
		}
	})
	s.UI = maps.Clone(saved.UI)
	m.applySettings(s)
	return nil
}

// KeepSessionSettings saves the settings the Manager runs with, session
// overrides included, as the user's preferences. Errors: the store's.
func (m *Manager) KeepSessionSettings() error {
	m.session.mu.Lock()
	defer m.session.mu.Unlock()
	s := m.Settings()
	if err := m.store.PutSettings(s); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	m.session.saved = &s
	m.session.over = nil
	m.emitSettings() // the overrides are gone, though the values stay
	return nil
}

// setSaved is SetSettings after validation: s, normally Settings() with
// the user's changes, is saved. An overridden field the caller left at
// its session value stays overridden (its saved value is kept); one the
// caller changed is the user's choice and ends the override.
func (m *Manager) setSaved(s Settings) error {
	m.session.mu.Lock()
	defer m.session.mu.Unlock()
	cur, saved := m.settingsSnapshot(), m.savedLocked()
	toSave := s
	for name := range m.session.over {
		if fieldEqual(s, cur, name) {
			copyField(&toSave, saved, name)
		}
	}
	toSave.UI = maps.Clone(s.UI)
	if err := m.store.PutSettings(toSave); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	for name := range m.session.over {
		if !fieldEqual(s, cur, name) {
			delete(m.session.over, name)
		}
	}
	m.session.saved = &toSave
	eff := toSave
	for name := range m.session.over {
		copyField(&eff, cur, name)
	}
	eff.UI = maps.Clone(s.UI)
	m.applySettings(eff)
	return nil
}

// applySettings makes s the running settings: limits change for running
// connections, running tasks that follow the default connection count
// take the new one (closing the surplus when it is lower), and the queue
// starts or stops tasks to match MaxActive.
func (m *Manager) applySettings(s Settings) {
	m.settings.Store(&s)
	m.hosts.setCap(s.PerHost)
	m.mu.Lock()
	var runs []*run
	for t := range m.running {
		t.mu.Lock()
		if r := t.run; r != nil && t.rec.Options.Connections == 0 {
			n, auto := t.connCeilingLocked()
			r.auto = auto
			if r.learned { // a server's refusals taught a lower count
				n = min(n, r.limit)
			}
			r.limit = n
			r.shedSurplusLocked()
			runs = append(runs, r)
		}
		t.mu.Unlock()
	}
	m.mu.Unlock()
	// The limit in force is the schedule's layer over s.GlobalLimit; it
	// also starts or holds queued tasks (scheduler.go).
	m.applySchedule()
	for _, r := range runs {
		r.notify()
	}
	m.emitSettings()
}

// effectiveUserAgent is Settings.UserAgent when set (a session override
// from an aria2 client, say), else the manager's Config.UserAgent.
func (m *Manager) effectiveUserAgent() string {
	if ua := m.settingsSnapshot().UserAgent; ua != "" {
		return ua
	}
	return m.userAgent
}

// eachField calls fn with the name of every layered field of Settings.
func eachField(fn func(name string)) {
	t := reflect.TypeFor[Settings]()
	for i := range t.NumField() {
		if f := t.Field(i); f.Name != "UI" && f.IsExported() {
			fn(f.Name)
		}
	}
}

func fieldEqual(a, b Settings, name string) bool {
	return reflect.DeepEqual(reflect.ValueOf(a).FieldByName(name).Interface(), reflect.ValueOf(b).FieldByName(name).Interface())
}

func copyField(dst *Settings, src Settings, name string) {
	reflect.ValueOf(dst).Elem().FieldByName(name).Set(reflect.ValueOf(src).FieldByName(name))
}
