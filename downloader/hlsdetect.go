package downloader

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"haul/downloader/hls"
)

// playlistTypes are the media types of HLS playlists (RFC 8216 §4,
// plus the unregistered ones servers send).
var playlistTypes = []string{
	"application/vnd.apple.mpegurl",
	"application/x-mpegurl",
	"audio/mpegurl",
	"audio/x-mpegurl",
}

// sniffPlaylist tells whether a probe's answer is an HLS playlist: its
// final URL ends in .m3u8, its Content-Type is a playlist type, or its
// body starts with #EXTM3U. The body's first bytes are read to look and
// put back, so the caller still streams the whole answer. A body that
// sends nothing for StallTimeout is aborted through abort and fails with
// ErrNoProgress, so the probe is retried instead of waiting forever.
func sniffPlaylist(resp *http.Response, abort context.CancelCauseFunc) (bool, error) {
	ext := strings.ToLower(path.Ext(resp.Request.URL.Path))
	if ext == ".m3u8" {
		return true, nil
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err == nil {
		for _, t := range playlistTypes {
			if strings.EqualFold(mt, t) {
				return true, nil
			}
		}
	}
	if ext == ".m3u" {
		// Plain M3U music lists start with #EXTM3U too; they are files.
		return false, nil
	}
	watchdog := time.AfterFunc(StallTimeout, func() { abort(ErrNoProgress) })
	head := make([]byte, len("\xef\xbb\xbf#EXTM3U"))
	n, err := io.ReadFull(resp.Body, head)
	watchdog.Stop()
	head = head[:n]
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		resp.Body.Close()
		if errors.Is(context.Cause(resp.Request.Context()), ErrNoProgress) {
			// Not wrapping err: a canceled context would read as a stop.
			return false, fmt.Errorf("no body within %v: %w", StallTimeout, ErrNoProgress)
		}
		return false, err
	}
	resp.Body = replayBody{Reader: io.MultiReader(bytes.NewReader(head), resp.Body), Closer: resp.Body}
	return hls.IsPlaylist(head), nil
}

// replayBody is a response body with its first bytes put back.
type replayBody struct {
	io.Reader
	io.Closer
}
