package downloader

import (
	"net/url"
	"path/filepath"
)

// A fresh link supplied by downloading the same file again: when a new
// request names the file of a download waiting for a fresh link (the
// same name, in its folder or with no folder given, as a browser that
// hands its downloads to Haul does), the waiting download is offered
// the link first. Accepted by the same-file check (which also compares
// the size), it continues where it stood; refused, the request is added
// as a download of its own.

// freshLinkFor offers req to the download waiting for a fresh link it
// names, if any, and reports that download's id.
func (m *Manager) freshLinkFor(req Request, u *url.URL, folder string) (string, bool) {
	if req.own {
		return "", false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return "", false
	}
	t := m.waitingForLocked(req, u, folder)
	if t == nil {
		return "", false
	}
	return m.offerFreshLinkLocked(t, req), true
}

// waitingForLocked finds the download waiting for a fresh link that req
// names; nil when none. Under m.mu.
func (m *Manager) waitingForLocked(req Request, u *url.URL, folder string) *task {
	name := req.Name
	if name == "" {
		name = nameFromURL(u, m.legacyCharset())
	}
	name = SanitizeName(name)
	if name == "" {
		return nil
	}
	for _, t := range m.order {
		if _, running := m.running[t]; running || t.broken {
			continue
		}
		t.mu.Lock()
		match := t.rec.State == StatePaused && t.rec.ErrorKind == KindLinkExpired && t.rec.Video == nil &&
			t.rec.Name == name && (req.Folder == "" || t.rec.Folder == folder) && t.rec.URL != u.String()
		t.mu.Unlock()
		if match {
			return t
		}
	}
	return nil
}

// offerFreshLink gives the waiting download t the link of req in a
// goroutine the manager owns: resumed when it is the same file, else req
// is added as a new download. It returns t's id at once.
func (m *Manager) offerFreshLinkLocked(t *task, req Request) string {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		err := m.ChangeURL(m.ctx, t.id, req.URL)
		if err == nil {
			if rerr := m.Resume(t.id); rerr == nil {
				return
			}
		}
		if m.ctx.Err() != nil {
			return
		}
		t.mu.Lock()
		t.logLocked("A new link with this file's name was not used (" + Sentence(err) + "); it was added as a download of its own.")
		t.mu.Unlock()
		req.own = true
		_, _ = m.add(req)
	}()
	return t.id
}

// absFolder is folder made absolute, as add records it.
func absFolder(folder string) string {
	if abs, err := filepath.Abs(folder); err == nil {
		return abs
	}
	return folder
}
