package downloader

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"

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
// put back, so the caller still streams the whole answer.
func sniffPlaylist(resp *http.Response) bool {
	ext := strings.ToLower(path.Ext(resp.Request.URL.Path))
	if ext == ".m3u8" {
		return true
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err == nil {
		for _, t := range playlistTypes {
			if strings.EqualFold(mt, t) {
				return true
			}
		}
	}
	if ext == ".m3u" {
		// Plain M3U music lists start with #EXTM3U too; they are files.
		return false
	}
	head := make([]byte, len("\xef\xbb\xbf#EXTM3U"))
	n, err := io.ReadFull(resp.Body, head)
	head = head[:n]
	resp.Body = replayBody{Reader: io.MultiReader(bytes.NewReader(head), resp.Body), Closer: resp.Body}
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return false // the read error surfaces again to the reader
	}
	return hls.IsPlaylist(head)
}

// replayBody is a response body with its first bytes put back.
type replayBody struct {
	io.Reader
	io.Closer
}
