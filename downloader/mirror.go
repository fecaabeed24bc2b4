package downloader

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
)

// Mirrors: more links of the same file. When the task's link stops
// working for good (expired, refused, gone), the next mirror that passes
// the same-file check takes its place and the download goes on from
// where it stood; a mirror that fails the check is dropped with a log
// line.

// parseMirrors checks each mirror link and drops duplicates of main and
// of each other. Errors wrap ErrBadURL.
func parseMirrors(main string, raw []string) ([]string, error) {
	var out []string
	for _, r := range raw {
		u, err := ParseURL(r)
		if err != nil {
			return nil, err
		}
		if s := u.String(); s != main && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// removeMirror is mirrors without link.
func removeMirror(mirrors []string, link string) []string {
	return slices.DeleteFunc(slices.Clone(mirrors), func(m string) bool { return m == link })
}

// mirrorWorthy reports whether err ends the use of a link but another
// link of the same file may do: it expired, or the server refuses it,
// lost it, or does not exist.
func mirrorWorthy(err error) bool {
	var se *StatusError
	var dnsErr *net.DNSError
	return errors.Is(err, ErrLinkExpired) || errors.As(err, &se) ||
		errors.As(err, &dnsErr) && dnsErr.IsNotFound || refusedAddr(err) != ""
}

// failOver moves the task to its next working mirror after its link
// ended the run with cause. It reports whether the task should run
// again; false leaves cause to decide the task's state.
func (t *task) failOver(ctx context.Context, cause error) bool {
	t.mu.Lock()
	mirrors := slices.Clone(t.rec.Mirrors)
	old, video := t.rec.URL, t.rec.Video != nil
	t.mu.Unlock()
	if ctx.Err() != nil || len(mirrors) == 0 || video || !mirrorWorthy(cause) {
		return false
	}
	for _, next := range mirrors {
		got, err := t.checkSameFile(ctx, next)
		if ctx.Err() != nil {
			return false
		}
		t.mu.Lock()
		if err != nil {
			t.rec.Mirrors = removeMirror(t.rec.Mirrors, next)
			t.logLocked(mirrorDropped(next, err))
			t.mu.Unlock()
			continue
		}
		t.logLocked("The link " + RedactURL(old) + " stopped working (" + Sentence(cause) + "); the download goes on from the mirror " +
			RedactURL(next) + " (" + got.how + ").")
		t.useLinkLocked(next, got)
		rec := t.recordLocked()
		t.mu.Unlock()
		t.saveRecord(rec)
		t.m.emit(EventChanged, t)
		return true
	}
	return false
}

// SetMirrors replaces a task's mirrors (more links of the same file).
// Each is checked by the same-file check when it is first needed, not
// here. Errors: ErrNotFound, ErrBadURL, ErrVideoLink.
func (m *Manager) SetMirrors(id string, mirrors []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, err := m.getLocked(id)
	if err != nil {
		return err
	}
	t.mu.Lock()
	main, video := t.rec.URL, t.rec.Video != nil
	t.mu.Unlock()
	if video && len(mirrors) > 0 {
		return fmt.Errorf("mirrors of %s: %w", id, ErrVideoLink)
	}
	list, err := parseMirrors(main, mirrors)
	if err != nil {
		return err
	}
	t.mu.Lock()
	t.rec.Mirrors = list
	t.mu.Unlock()
	m.persistLocked(t)
	m.emit(EventChanged, t)
	return nil
}
