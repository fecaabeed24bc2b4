package remote

import (
	"path/filepath"
	"strconv"
	"time"

	"haul/downloader"
)

// statusKeys are the tellStatus fields the window needs.
var statusKeys = []string{"gid", "status", "totalLength", "completedLength", "downloadSpeed",
	"connections", "dir", "files", "errorMessage"}

// ariaStatus is one tellStatus answer (aria2 sends numbers as strings).
type ariaStatus struct {
	GID             string `json:"gid"`
	Status          string `json:"status"`
	TotalLength     string `json:"totalLength"`
	CompletedLength string `json:"completedLength"`
	DownloadSpeed   string `json:"downloadSpeed"`
	Connections     string `json:"connections"`
	Dir             string `json:"dir"`
	ErrorMessage    string `json:"errorMessage"`
	Files           []struct {
		Path string `json:"path"`
		URIs []struct {
			URI string `json:"uri"`
		} `json:"uris"`
	} `json:"files"`
}

func num(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// snapshot turns an aria2 status into the engine's snapshot; position is
// its place in the listing. ok is false for a "removed" result, which is
// no longer in the queue.
func (a ariaStatus) snapshot(position int) (s downloader.Snapshot, ok bool) {
	s = downloader.Snapshot{
		ID:          a.GID,
		Folder:      a.Dir,
		Size:        num(a.TotalLength),
		Done:        num(a.CompletedLength),
		Speed:       num(a.DownloadSpeed),
		Connections: int(num(a.Connections)),
		ETA:         -1,
		Position:    position,
		Error:       a.ErrorMessage,
	}
	if len(a.Files) > 0 {
		f := a.Files[0]
		if f.Path != "" {
			s.Folder, s.Name = filepath.Dir(f.Path), filepath.Base(f.Path)
		}
		if len(f.URIs) > 0 {
			s.URL = f.URIs[0].URI
		}
	}
	switch a.Status {
	case "active":
		s.State = downloader.StateActive
	case "waiting":
		s.State = downloader.StateQueued
	case "paused":
		s.State = downloader.StatePaused
	case "complete":
		s.State, s.Error = downloader.StateCompleted, ""
	case "error":
		s.State = downloader.StateFailed
	default: // "removed"
		return s, false
	}
	// aria2's status does not say whether the server honours ranges; a
	// known size is what the remote Haul resumes with (it restarts cleanly
	// where ranges fail), so the window does not claim "cannot resume".
	s.Resumable = s.Size > 0
	// aria2 reports 0 while the size is unknown.
	if s.Size == 0 && s.State != downloader.StateCompleted {
		s.Size = -1
	}
	if s.Size > 0 && s.Speed > 0 && s.Done < s.Size {
		s.ETA = time.Duration(float64(s.Size-s.Done) / float64(s.Speed) * float64(time.Second))
	}
	return s, true
}
