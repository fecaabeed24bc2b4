package rpc

import (
	"cmp"
	"encoding/hex"
	"slices"
	"strconv"

	"haul/downloader"
)

// aria2 status words.
const (
	statusActive   = "active"
	statusWaiting  = "waiting"
	statusPaused   = "paused"
	statusError    = "error"
	statusComplete = "complete"
	statusRemoved  = "removed"
)

// pieceLength is what tellStatus reports; aria2's default --piece-length.
const pieceLength = 1 << 20

// aria2 error codes used in errorCode.
const (
	exitFinished = "0"
	exitUnknown  = "1"
	exitRemoved  = "31" // aria2's internal code for a removed download
)

// exitCode maps why a task failed to aria2's exit status codes, which
// front ends show as the error's reason.
func exitCode(k downloader.ErrorKind) string {
	switch k {
	case downloader.KindNotFound, downloader.KindGone:
		return "3" // resource not found
	case downloader.KindNoSpace, downloader.KindDiskFull:
		return "9" // not enough disk space
	case downloader.KindNetwork:
		return "6" // network problem
	case downloader.KindName:
		return "19" // name resolution failed
	case downloader.KindForbidden:
		return "24" // HTTP authorization failed
	case downloader.KindRedirects:
		return "23" // too many redirects
	case downloader.KindChecksum:
		return "32" // checksum validation failed
	case downloader.KindServer, downloader.KindBadResponse, downloader.KindLinkExpired:
		return "22" // bad HTTP response
	case downloader.KindFileSystem:
		return "17" // file I/O error
	}
	return exitUnknown
}

// statusWord maps a Haul state to aria2's word.
func statusWord(s downloader.Snapshot) string {
	switch s.State {
	case downloader.StateActive:
		return statusActive
	case downloader.StateQueued:
		return statusWaiting
	case downloader.StatePaused:
		return statusPaused
	case downloader.StateCompleted:
		return statusComplete
	default:
		return statusError
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// totalLength is 0 while unknown, as aria2 reports it. A video's size is
// known only once joined; meanwhile it is estimated from the segments
// done, so clients that show completedLength/totalLength (AriaNg) show
// the same progress as Haul's window.
func totalLength(s downloader.Snapshot) int64 {
	if s.Size >= 0 {
		return s.Size
	}
	if v := s.Video; s.Kind == downloader.KindVideo && v.SegmentsDone > 0 && v.SegmentsTotal > 0 && s.Done > 0 {
		return max(s.Done, s.Done*int64(v.SegmentsTotal)/int64(v.SegmentsDone))
	}
	return 0
}

func completedLength(s downloader.Snapshot) int64 {
	if s.State == downloader.StateCompleted && s.Size >= 0 {
		return s.Size
	}
	return s.Done
}

// uris is getUris' answer.
func uris(s downloader.Snapshot) []map[string]string {
	out := []map[string]string{{"uri": downloader.RedactURL(s.URL), "status": "used"}}
	for _, m := range s.Mirrors {
		out = append(out, map[string]string{"uri": downloader.RedactURL(m), "status": "waiting"})
	}
	return out
}

// files is getFiles' answer: Haul tasks are always one file.
func files(s downloader.Snapshot) []map[string]any {
	path := ""
	if s.Name != "" {
		path = s.Path()
	}
	return []map[string]any{{
		"index":           "1",
		"path":            path,
		"length":          itoa(totalLength(s)),
		"completedLength": itoa(completedLength(s)),
		"selected":        "true",
		"uris":            uris(s),
	}}
}

// bitfield marks each piece whose bytes are all on disk, high bit first,
// as aria2's hex bitfield does.
func bitfield(s downloader.Snapshot, n int64) string {
	if n <= 0 {
		return ""
	}
	bits := make([]byte, (n+7)/8)
	if s.State == downloader.StateCompleted {
		for i := range n {
			bits[i/8] |= 0x80 >> (i % 8)
		}
		return hex.EncodeToString(bits)
	}
	type span struct{ a, b int64 }
	var done []span
	for _, seg := range s.Segments {
		if seg.Done > 0 {
			done = append(done, span{seg.Start, seg.Start + seg.Done})
		}
	}
	slices.SortFunc(done, func(x, y span) int { return cmp.Compare(x.a, y.a) })
	// Merge, then walk pieces against the merged spans.
	var merged []span
	for _, d := range done {
		if k := len(merged) - 1; k >= 0 && d.a <= merged[k].b {
			merged[k].b = max(merged[k].b, d.b)
			continue
		}
		merged = append(merged, d)
	}
	j := 0
	for i := range n {
		lo, hi := i*pieceLength, min((i+1)*pieceLength, s.Size)
		for j < len(merged) && merged[j].b < hi {
			j++
		}
		if j < len(merged) && merged[j].a <= lo && merged[j].b >= hi {
			bits[i/8] |= 0x80 >> (i % 8)
		}
	}
	return hex.EncodeToString(bits)
}

// status builds tellStatus' struct; removed marks a "removed" result.
func status(s downloader.Snapshot, removed bool) map[string]any {
	word := statusWord(s)
	if removed {
		word = statusRemoved
	}
	speed := int64(0)
	conns := 0
	if word == statusActive {
		speed, conns = s.Speed, s.Connections
	}
	size := totalLength(s)
	m := map[string]any{
		"gid":             s.ID,
		"status":          word,
		"totalLength":     itoa(size),
		"completedLength": itoa(completedLength(s)),
		"uploadLength":    "0",
		"downloadSpeed":   itoa(speed),
		"uploadSpeed":     "0",
		"connections":     strconv.Itoa(conns),
		"dir":             s.Folder,
		"files":           files(s),
		"pieceLength":     strconv.Itoa(pieceLength),
		"numPieces":       "0",
	}
	if size > 0 {
		n := (size + pieceLength - 1) / pieceLength
		m["numPieces"] = itoa(n)
		m["bitfield"] = bitfield(s, n)
	}
	switch word {
	case statusComplete:
		m["errorCode"], m["errorMessage"] = exitFinished, ""
	case statusError:
		m["errorCode"], m["errorMessage"] = exitCode(s.ErrorKind), s.Error
	case statusRemoved:
		m["errorCode"], m["errorMessage"] = exitRemoved, "Removed"
	case statusPaused:
		// Waiting for a fresh link (or for disk space) says why.
		if s.Error != "" {
			m["errorCode"], m["errorMessage"] = exitCode(s.ErrorKind), s.Error
		}
	}
	if v := verified(s); v != "" {
		m["verified"] = v
	}
	return m
}

// filterKeys keeps only the requested keys; none means all.
func filterKeys(m map[string]any, keys []string) map[string]any {
	if len(keys) == 0 {
		return m
	}
	out := make(map[string]any, len(keys))
	for _, k := range keys {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}
