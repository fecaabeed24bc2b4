package downloader

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Changing the link of a task that stopped: the new link is admitted
// only when it serves the same file (samefile.go), so old and new bytes
// are never spliced.

var (
	// ErrDifferentFile: the new link serves another file than the bytes
	// already on disk; the task keeps its old link.
	ErrDifferentFile = errors.New("that link leads to a different file")
	// ErrCannotCompare: the new link's server gives no way to prove it
	// serves the same file (no ranges), so it is not admitted.
	ErrCannotCompare = errors.New("that link's server cannot show it is the same file")
	// ErrTaskRunning: the link of a running task is not changed; pause it
	// first.
	ErrTaskRunning = errors.New("the download is running")
	// ErrVideoLink: a video's playlist link is not changed here.
	ErrVideoLink = errors.New("a video's link cannot be changed")
	// ErrTaskComplete: a finished download needs no new link.
	ErrTaskComplete = errors.New("the download is complete")
)

// linkError is a refused link change in a sentence a user can act on.
type linkError struct {
	err error // ErrDifferentFile, ErrCannotCompare, …
	why string
}

func (e *linkError) Error() string { return e.err.Error() + " (" + e.why + ")" }
func (e *linkError) Unwrap() error { return e.err }

// Detail is why the link was refused, in English ("3.0 MiB instead of
// 4.0 MiB"), for front ends that word the rest themselves.
func (e *linkError) Detail() string { return e.why }

// UserSentence is the refusal as the window and the CLI show it.
func (e *linkError) UserSentence() string {
	switch {
	case errors.Is(e.err, ErrDifferentFile):
		return "That link leads to a different file (" + e.why + "); the download keeps its old link."
	case errors.Is(e.err, ErrCannotCompare):
		return "Haul cannot check that this link serves the same file (" + e.why + "); the download keeps its old link."
	case errors.Is(e.err, ErrLinkExpired):
		return "That link has expired already (" + e.why + "); the download keeps its old link."
	case errors.Is(e.err, ErrTaskRunning):
		return "Pause the download before changing its link."
	case errors.Is(e.err, ErrTaskComplete):
		return "The download is complete; it needs no new link."
	case errors.Is(e.err, ErrVideoLink):
		return "A video's link cannot be changed: its playlist names every segment. Add the fresh link as a new download."
	}
	return Sentence(e.err)
}

// ChangeURL gives a stopped task (paused, failed, queued, or waiting for
// a fresh link) a new link. The link is admitted only after the
// same-file check (checkSameFile): same size, matching validators where
// both sides have them, else a few small ranges already on disk re-read
// from the new link and compared. Nothing the new link sends is written
// to the part file here. Accepted, the task keeps its progress and its
// state (a failed task is paused so Resume continues it); the caller
// resumes it.
//
// Errors: ErrNotFound; ErrBadURL; ErrTaskRunning (pause first);
// ErrTaskComplete; ErrVideoLink for HLS tasks; ErrBroken; a *linkError wrapping
// ErrDifferentFile, ErrCannotCompare or ErrLinkExpired, whose Sentence
// says why; network and status errors of the check itself.
func (m *Manager) ChangeURL(ctx context.Context, id, newURL string) error {
	u, err := parseLink(newURL)
	if err != nil {
		return err
	}
	m.mu.Lock()
	t, err := m.getLocked(id)
	if err == nil {
		_, running := m.running[t]
		switch {
		case t.broken:
			err = fmt.Errorf("task %s: %w", id, ErrBroken)
		case running:
			err = &linkError{err: ErrTaskRunning, why: "it is running"}
		}
	}
	m.mu.Unlock()
	if err != nil {
		return err
	}
	t.mu.Lock()
	video := t.rec.Video != nil
	same := t.rec.URL == u.String()
	complete := t.rec.State == StateCompleted
	t.mu.Unlock()
	if complete {
		return &linkError{err: ErrTaskComplete, why: "nothing is left to download"}
	}
	if video {
		return &linkError{err: ErrVideoLink, why: "an HLS video"}
	}
	if same {
		return nil
	}
	if exp, ok := signedExpiry(u); ok && !m.clock.Now().Before(exp) {
		return &linkError{err: ErrLinkExpired, why: "it was signed to work until " + exp.UTC().Format("2006-01-02 15:04 UTC")}
	}
	got, err := t.checkSameFile(ctx, u.String())
	if err != nil {
		return fmt.Errorf("change link of %s: %w", id, err)
	}
	return m.admitLink(t, u.String(), got)
}

// parseLink accepts an absolute http or https URL.
func parseLink(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q: %w", RedactURL(raw), ErrBadURL)
	}
	return u, nil
}

// admitLink records an accepted link: the new source's validators and
// final URL replace the old ones (If-Range must carry what this source
// sends), and the site settings of the new link fill unset options.
func (m *Manager) admitLink(t *task, newURL string, got sourceCheck) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, running := m.running[t]; running {
		return &linkError{err: ErrTaskRunning, why: "it started meanwhile"}
	}
	t.mu.Lock()
	t.useLinkLocked(newURL, got)
	if t.rec.State == StateFailed {
		t.rec.State = StatePaused
	}
	if t.rec.ErrorKind == KindLinkExpired {
		t.setErrorLocked(nil)
	}
	t.logLocked("The link was changed to " + RedactURL(newURL) + " (" + got.how + ").")
	t.mu.Unlock()
	m.persistLocked(t)
	m.emit(EventChanged, t)
	return nil
}

// useLinkLocked makes newURL, which passed the same-file check, the
// task's link.
func (t *task) useLinkLocked(newURL string, got sourceCheck) {
	if got.fresh {
		// Nothing to keep: the next run probes the new link afresh.
		t.m.deletePart(t.rec.Folder, t.rec.Name)
		t.resetLocked()
	} else {
		// The new source's validators: If-Range must carry what it sends.
		t.rec.ETag, t.rec.LastModified = got.etag, got.lastModified
		t.rec.Resumable = true
		if t.rec.Digest == nil && t.rec.Options.Checksum.IsZero() {
			// The new source offers what the old did not.
			t.rec.Digest = got.digest
		}
	}
	t.rec.URL = newURL
	t.rec.FinalURL = got.finalURL
	t.rec.Mirrors = removeMirror(t.rec.Mirrors, newURL)
	t.rec.Options = ApplySite(t.m.settingsSnapshot().Sites, newURL, t.rec.Options)
}
