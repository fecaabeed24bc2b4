package downloader

import (
	"fmt"
	"path/filepath"
)

// reserveName picks the name a new download is saved under: the wanted
// one, or "name (1).ext" when a file, a part file, or another task
// already has it. The note says why the name changed, for the task log.
func (m *Manager) reserveName(id, folder, want string) (string, string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for path, owner := range m.names {
		if owner == id {
			delete(m.names, path)
		}
	}
	taken := func(c string) bool {
		p := filepath.Join(folder, c)
		if owner, ok := m.names[p]; ok && owner != id {
			return true
		}
		return exists(p) || exists(p+partSuffix)
	}
	name := UniqueName(folder, want, taken)
	m.names[filepath.Join(folder, name)] = id
	if name == want {
		return name, ""
	}
	return name, fmt.Sprintf("%q already exists in the folder; saving as %q.", want, name)
}

// finalName is the name the finished file gets: its own unless a file of
// that name appeared meanwhile, which is never overwritten.
func (m *Manager) finalName(id, folder, name string) (string, string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	taken := func(c string) bool {
		p := filepath.Join(folder, c)
		if owner, ok := m.names[p]; ok && owner != id {
			return true
		}
		if c == name {
			return exists(p)
		}
		return exists(p) || exists(p+partSuffix)
	}
	final := UniqueName(folder, name, taken)
	if final == name {
		return name, ""
	}
	delete(m.names, filepath.Join(folder, name))
	m.names[filepath.Join(folder, final)] = id
	return final, fmt.Sprintf("%q appeared in the folder meanwhile; saved as %q.", name, final)
}
