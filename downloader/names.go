package downloader

import (
	"fmt"
	"path/filepath"
)

// maxBaseName bounds the names reserveName hands out so that the name, its
// ".part" and a " (9999)" collision number all fit in one file name
// (255 bytes): a 255-byte name would fail to create "<name>.part".
const maxBaseName = maxNameBytes - len(partSuffix) - len(" (9999)")

// reserveName picks the name a new download is saved under: the wanted
// one, or "name (1).ext" when a file, a part file, or another task
// already has it. The note says why the name changed, for the task log.
func (m *Manager) reserveName(id, folder, want string) (string, string) {
	if len(want) > maxBaseName {
		want = SanitizeName(truncateName(want, maxBaseName))
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for path, owner := range m.names {
		if owner == id {
			delete(m.names, path)
		}
	}
	// uniqueName hands exists the candidate's full path, not its name.
	taken := func(p string) bool {
		if owner, ok := m.names[p]; ok && owner != id {
			return true
		}
		return existsIn(m.fs, p) || existsIn(m.fs, p+partSuffix)
	}
	name := uniqueName(folder, want, taken)
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
	own := filepath.Join(folder, name)
	taken := func(p string) bool {
		if owner, ok := m.names[p]; ok && owner != id {
			return true
		}
		if p == own {
			// Our own part file is there, of course; only the final
			// name must be free.
			return existsIn(m.fs, p)
		}
		return existsIn(m.fs, p) || existsIn(m.fs, p+partSuffix)
	}
	final := uniqueName(folder, name, taken)
	if final == name {
		return name, ""
	}
	delete(m.names, own)
	m.names[filepath.Join(folder, final)] = id
	return final, fmt.Sprintf("%q appeared in the folder meanwhile; saved as %q.", name, final)
}
