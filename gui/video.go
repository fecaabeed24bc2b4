package gui

import (
	"strings"

	"fyne.io/fyne/v2/lang"

	"haul/downloader"
)

// videoText is what the details pane adds for a video: the variant and
// the segments done.
func videoText(s *downloader.Snapshot) string {
	var parts []string
	if v := s.Video.Variant; v != "" {
		parts = append(parts, lang.L("Variant: {{.Variant}}", map[string]any{"Variant": v}))
	}
	parts = append(parts, lang.L("{{.Done}} of {{.Total}} segments", map[string]any{"Done": s.Video.SegmentsDone, "Total": s.Video.SegmentsTotal}))
	return strings.Join(parts, " · ")
}

// segmentMapOf is what the segment map draws: the byte ranges of a file,
// the segments of a video.
func segmentMapOf(s *downloader.Snapshot) (int64, []downloader.SegmentState, bool) {
	complete := s.State == downloader.StateCompleted
	if s.Kind == downloader.KindVideo {
		return int64(s.Video.Units), s.Video.Map, complete
	}
	return s.Size, s.Segments, complete
}
