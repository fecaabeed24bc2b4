package cli

import (
	"context"
	"errors"
	"fmt"

	"haul/downloader"
)

// The link flags of haul get: --mirror (more links of the same file) and
// --replaces (give an earlier download a fresh link).

// urlList is a repeatable flag of links.
type urlList []string

func (l *urlList) String() string { return fmt.Sprint(*l) }

func (l *urlList) Set(v string) error {
	if _, err := downloader.ParseURL(v); err != nil {
		return err
	}
	*l = append(*l, v)
	return nil
}

// checkLinkFlags: --mirror and --replaces name one file.
func (o *getOptions) checkLinkFlags() error {
	switch {
	case len(o.mirrors) > 0 && len(o.urls) > 1:
		return errors.New("--mirror gives more links of one file; it cannot be used with several URLs")
	case o.replaces != "" && len(o.urls) > 1:
		return errors.New("--replaces OLD_URL takes exactly one new URL")
	}
	if o.replaces != "" {
		if _, err := downloader.ParseURL(o.replaces); err != nil {
			return fmt.Errorf("--replaces: %w", err)
		}
	}
	return nil
}

// errNoEarlier: --replaces named a link no earlier download has.
var errNoEarlier = errors.New("no earlier download of that link in this folder")

// replaceLink gives the earlier download of o.replaces (found as a rerun
// finds it: same link, same folder) the new link of req, after the
// engine's same-file check. The following enqueue then finds it under
// the new link and resumes it.
func replaceLink(ctx context.Context, m *downloader.Manager, old string, req downloader.Request) error {
	find := req
	find.URL = old
	prev, ok := findEarlier(m.List(), find, candidateFolders(m.Settings(), find))
	if !ok {
		return fmt.Errorf("--replaces %s: %w", downloader.RedactURL(old), errNoEarlier)
	}
	if prev.State == downloader.StateActive || prev.State == downloader.StateQueued {
		// Held by this run (Config.Hold): not running, but queued. A
		// pause makes it a stopped task whose link may change.
		if err := m.Pause(prev.ID); err != nil {
			return err
		}
	}
	if err := m.ChangeURL(ctx, prev.ID, req.URL); err != nil {
		return errors.New(downloader.Sentence(err))
	}
	return nil
}

// savedLine is summarize's line for a finished file, saying whether and
// how it was verified.
func savedLine(s downloader.Snapshot) string {
	data := map[string]any{"Path": s.Path(), "Size": downloader.FormatBytes(s.Size)}
	v := s.Verification
	if !v.Verified {
		return tr("Saved {{.Path}} ({{.Size}}), not verified (no checksum offered)", data)
	}
	data["Algo"] = v.AlgoName()
	switch v.Source {
	case downloader.VerifyServer:
		return tr("Saved {{.Path}} ({{.Size}}), verified with {{.Algo}} from the server", data)
	case downloader.VerifySidecar:
		data["File"] = v.From
		return tr("Saved {{.Path}} ({{.Size}}), verified with {{.Algo}} from {{.File}}", data)
	}
	return tr("Saved {{.Path}} ({{.Size}}), verified with the {{.Algo}} you gave", data)
}
