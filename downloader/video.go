package downloader

import (
	"slices"

	"haul/downloader/hls"
)

// Kind says what a task fetches: one file by byte ranges, or the
// segments of an HLS stream joined into one file.
type Kind string

const (
	KindFile  Kind = "file"
	KindVideo Kind = "video"
)

// VideoInfo describes an HLS task for a UI.
type VideoInfo struct {
	// Variant is the chosen variant as "1280x720, 2.5 Mbit/s"; "" when
	// the link was a media playlist with no variants to choose from.
	Variant string
	// Width and Height in pixels, Bandwidth in bits per second, Codecs
	// verbatim: the chosen variant's attributes, zero when unknown.
	Width, Height int
	Bandwidth     int64
	Codecs        string
	// SegmentsDone of SegmentsTotal media segments are on disk.
	SegmentsDone, SegmentsTotal int
	// Map is the segment map in units (initialization sections and
	// segments, in join order; Units of them): runs of done, in-flight
	// (Active) and pending units as [Start, End) with Done units done.
	Map   []SegmentState
	Units int
}

// VideoRecord is the persisted plan of an HLS task. Units are the work
// units in the order they are joined (initialization sections before the
// fragments they apply to, then media segments); Done[i] is the number of
// bytes of unit i on disk and synced, or -1 while it is not.
type VideoRecord struct {
	// Playlist is the media playlist's URL; Master the master playlist's,
	// "" when the link was a media playlist.
	Playlist string `json:"playlist"`
	Master   string `json:"master,omitempty"`
	// Variant is the chosen variant (its URI empty).
	Variant hls.Variant `json:"variant"`
	// Container is "ts" (MPEG-TS) or "mp4" (fMP4).
	Container string `json:"container"`
	// Keys identify the units: media sequence number, and whether the
	// unit is the initialization section before that segment.
	Seqs  []uint64 `json:"seqs"`
	Inits []int    `json:"inits,omitempty"` // indexes of init units
	Done  []int64  `json:"done"`
	// Final is the name the joined file is being renamed to; set before
	// the rename so a crash right after it is recognised.
	Final string `json:"final,omitempty"`
}

// clone is a deep copy: records are replaced, never changed in place,
// because snapshots and the store read them without the run's help.
func (v *VideoRecord) clone() *VideoRecord {
	if v == nil {
		return nil
	}
	c := *v
	c.Seqs = slices.Clone(v.Seqs)
	c.Inits = slices.Clone(v.Inits)
	c.Done = slices.Clone(v.Done)
	return &c
}

// isInit reports whether unit i is an initialization section.
func (v *VideoRecord) isInit(i int) bool {
	_, found := slices.BinarySearch(v.Inits, i)
	return found
}

// videoSnapshotLocked fills the video fields of a snapshot.
func (t *task) videoSnapshotLocked(s *Snapshot) {
	v := t.rec.Video
	if v == nil {
		s.Kind = KindFile
		return
	}
	s.Kind = KindVideo
	s.Video = VideoInfo{
		Width: v.Variant.Width, Height: v.Variant.Height,
		Bandwidth: v.Variant.Bandwidth, Codecs: v.Variant.Codecs,
	}
	if v.Master != "" {
		s.Video.Variant = v.Variant.String()
	}
	var bytes int64
	for i, d := range v.Done {
		if v.isInit(i) {
			if d > 0 {
				bytes += d
			}
			continue
		}
		s.Video.SegmentsTotal++
		if d >= 0 {
			s.Video.SegmentsDone++
			bytes += d
		}
	}
	var inflight map[int]int64
	if r := t.run; r != nil && r.video != nil {
		inflight = r.video.inflight
	}
	s.Video.Units = len(v.Done)
	s.Video.Map = unitMap(v.Done, inflight)
	if t.rec.State == StateCompleted {
		return
	}
	for _, n := range inflight {
		bytes += n
	}
	s.Done = bytes
	if s.Speed > 0 && s.Video.SegmentsDone > 0 {
		// The size is unknown until the end; estimate from the segments
		// so far for the time left.
		est := bytes * int64(s.Video.SegmentsTotal) / int64(s.Video.SegmentsDone)
		s.ETA = eta(est, bytes, s.Speed)
	}
}

// unitMap merges units into runs of the same kind for a segment map.
func unitMap(done []int64, inflight map[int]int64) []SegmentState {
	var out []SegmentState
	for i, d := range done {
		_, active := inflight[i]
		isDone := d >= 0
		if n := len(out); n > 0 && !active && !out[n-1].Active && (out[n-1].Done > 0) == isDone {
			out[n-1].End++
			if isDone {
				out[n-1].Done++
			}
			continue
		}
		st := SegmentState{Segment: Segment{Start: int64(i), End: int64(i) + 1}, Active: active}
		if isDone {
			st.Done = 1
		}
		out = append(out, st)
	}
	return out
}
