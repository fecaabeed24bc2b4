package downloader

import (
	"fmt"
	"maps"
)

// Settings returns the settings in force: the saved ones with this
// session's overrides (session.go). The copy shares nothing with the
// Manager.
func (m *Manager) Settings() Settings {
	s := *m.settings.Load()
	s.UI = maps.Clone(s.UI)
	s.Categories = s.Categories.clone()
	s.Sites = cloneSites(s.Sites)
	return s
}

func (m *Manager) settingsSnapshot() Settings { return *m.settings.Load() }

// SetSettings validates, persists and applies s at once: limits change
// for running connections, and the queue starts or stops tasks to match
// MaxActive. Fields this session overrides (session.go) stay overridden
// unless s changes them. Subscribers get EventSettings. Errors:
// ErrBadSettings (wrapped with what is wrong), the store's error.
func (m *Manager) SetSettings(s Settings) error {
	if err := s.validate(); err != nil {
		return err
	}
	s.Categories = s.Categories.clone()
	s.Sites = cloneSites(s.Sites)
	return m.setSaved(s)
}

func (s Settings) validate() error {
	switch {
	case s.Folder == "":
		return fmt.Errorf("download folder is empty: %w", ErrBadSettings)
	case s.MaxActive < 1 || s.MaxActive > 100:
		return fmt.Errorf("parallel tasks must be between 1 and 100: %w", ErrBadSettings)
	case s.Connections < ConnectionsAuto || s.Connections > MaxConnections:
		return fmt.Errorf("connections per task must be automatic or between 1 and %d: %w", MaxConnections, ErrBadSettings)
	case s.PerHost < 1 || s.PerHost > 256:
		return fmt.Errorf("connections per server must be between 1 and 256: %w", ErrBadSettings)
	case s.GlobalLimit < 0:
		return fmt.Errorf("speed limit must not be negative: %w", ErrBadSettings)
	case s.MinSplit < 0:
		return fmt.Errorf("minimum split size must not be negative: %w", ErrBadSettings)
	}
	if err := ParseProxy(s.Proxy); err != nil {
		return fmt.Errorf("%w: %w", ErrBadSettings, err)
	}
	if !validFieldValue(s.UserAgent) {
		return fmt.Errorf("the user agent must be one line of text: %w", ErrBadSettings)
	}
	if err := validateSites(s.Sites); err != nil {
		return err
	}
	return s.Schedule.validate()
}

// normalized repairs stored settings from an older or damaged record
// instead of refusing to start.
func (s Settings) normalized(defaultFolder string) Settings {
	d := DefaultSettings(defaultFolder)
	if s.Folder == "" {
		s.Folder = d.Folder
	}
	if s.MaxActive < 1 || s.MaxActive > 100 {
		s.MaxActive = d.MaxActive
	}
	if s.Connections < ConnectionsAuto || s.Connections > MaxConnections {
		s.Connections = d.Connections
	}
	if s.PerHost < 1 || s.PerHost > 256 {
		s.PerHost = d.PerHost
	}
	if s.GlobalLimit < 0 {
		s.GlobalLimit = 0
	}
	if s.MinSplit <= 0 {
		s.MinSplit = d.MinSplit
	}
	if ParseProxy(s.Proxy) != nil {
		s.Proxy = ""
	}
	if s.Schedule.validate() != nil {
		s.Schedule = Schedule{} // a damaged schedule must not hold the queue forever
	}
	return s
}

// emitSettings announces EventSettings: the settings in force changed, so
// front ends that show them (a status bar's limit, an add dialog's
// folder) read Settings again instead of keeping a copy of their own.
func (m *Manager) emitSettings() {
	m.subsMu.Lock()
	defer m.subsMu.Unlock()
	for s := range m.subs {
		s.push(Event{Kind: EventSettings})
	}
}
