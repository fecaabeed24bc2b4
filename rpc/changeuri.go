package rpc

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"haul/downloader"
)

// linkChanger is what aria2.changeUri needs of the engine beyond Engine;
// *downloader.Manager has it. An engine without it keeps one link.
type linkChanger interface {
	// ChangeURL admits a new link after the same-file check.
	ChangeURL(ctx context.Context, id, newURL string) error
	// SetMirrors replaces the other links of the same file.
	SetMirrors(id string, mirrors []string) error
}

// changeURI is aria2.changeUri(gid, fileIndex, delUris, addUris[,
// position]): it removes delUris from the download's links, then adds
// addUris at position (default the end), and answers [deleted, added] as
// aria2 does. A URI that is not there is not counted as deleted. When
// the link in use goes, the first added link replaces it, admitted only
// if the engine's same-file check passes; the task must be stopped
// (paused, failed, or waiting for a fresh link) for that, and
// aria2.unpause resumes it.
func (s *Server) changeURI(ctx callCtx, p args) (any, error) {
	lc, ok := s.engine.(linkChanger)
	if !ok {
		return nil, failf("Haul keeps one link per download; add the new link as a new download instead.")
	}
	snap, err := s.live(p)
	if err != nil {
		return nil, err
	}
	if idx, err := p.integer(1, "fileIndex", 0); err != nil || idx != 1 {
		return nil, failf("fileIndex must be 1: a Haul download is one file.")
	}
	del, err := uriList(p, 2, "delUris")
	if err != nil {
		return nil, err
	}
	add, err := uriList(p, 3, "addUris")
	if err != nil {
		return nil, err
	}
	for _, u := range add {
		if !isHTTP(u) {
			return nil, failf("Haul downloads HTTP and HTTPS links only: %s", truncate(u, 80))
		}
	}
	links := append([]string{snap.URL}, snap.Mirrors...)
	deleted := 0
	for _, d := range del {
		if i := slices.IndexFunc(links, func(l string) bool { return l == d || downloader.RedactURL(l) == d }); i >= 0 {
			links = slices.Delete(links, i, i+1)
			deleted++
		}
	}
	pos, err := p.integer(4, "position", len(links))
	if err != nil {
		return nil, err
	}
	pos = max(0, min(pos, len(links)))
	links = slices.Insert(links, pos, add...)
	if len(links) == 0 {
		return nil, failf("A download keeps at least one link.")
	}
	if links[0] != snap.URL {
		if err := lc.ChangeURL(ctx, snap.ID, links[0]); err != nil {
			return nil, linkFailure(err)
		}
	}
	if err := lc.SetMirrors(snap.ID, links[1:]); err != nil {
		return nil, linkFailure(err)
	}
	return []int{deleted, len(add)}, nil
}

// uriList reads parameter i as an array of strings.
func uriList(p args, i int, what string) ([]string, error) {
	var list []string
	if !p.has(i) {
		return nil, nil
	}
	if json.Unmarshal(p[i], &list) != nil {
		return nil, failf("%s must be an array of URIs.", what)
	}
	for j := range list {
		list[j] = strings.TrimSpace(list[j])
	}
	return list, nil
}

// linkFailure is a refused change as aria2 clients show it: the
// engine's sentence.
func linkFailure(err error) error {
	if errors.Is(err, downloader.ErrTaskRunning) {
		return failf("Pause the download before changing its link.")
	}
	return failf("%s", downloader.Sentence(err))
}

// firstLink splits aria2's URI list of one file: the first HTTP(S) URI
// is the link, the other HTTP(S) ones its mirrors.
func firstLink(list []string) (link string, mirrors []string) {
	for _, u := range list {
		u = strings.TrimSpace(u)
		switch {
		case !isHTTP(u):
		case link == "":
			link = u
		default:
			mirrors = append(mirrors, u)
		}
	}
	return link, mirrors
}

// verified is tellStatus' "verified" key: "sha-256 from the server",
// "none offered" for a finished file without a checksum, "" (left out)
// while the download runs.
func verified(s downloader.Snapshot) string {
	v := s.Verification
	switch {
	case s.State != downloader.StateCompleted:
		return ""
	case v.Verified:
		return strings.ToLower(v.AlgoName()) + " " + v.SourceText()
	}
	return "none offered"
}
