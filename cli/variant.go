package cli

import (
	"fmt"

	"haul/downloader"
)

// announceVariant prints, once per task, which variant of an HLS master
// playlist is being downloaded, above the progress bars.
func (v *progressView) announceVariant(s downloader.Snapshot) {
	if s.Video.Variant == "" {
		return
	}
	if v.announced == nil {
		v.announced = map[string]bool{}
	}
	if v.announced[s.ID] {
		return
	}
	v.announced[s.ID] = true
	name := s.Name
	if name == "" {
		name = s.URL
	}
	text := name + ": " + tr("Variant: {{.Variant}}", map[string]any{"Variant": s.Video.Variant})
	if v.tty && v.drawn > 0 {
		// Above the bars: back to their first line, print, redraw below.
		fmt.Fprintf(v.w, "\x1b[%dF\x1b[J", v.drawn)
		v.drawn = 0
	}
	fmt.Fprintln(v.w, text)
}

// videoSegments is "12/200 segments".
func videoSegments(s downloader.Snapshot) string {
	return tr("{{.Done}}/{{.Total}} segments", map[string]any{"Done": s.Video.SegmentsDone, "Total": s.Video.SegmentsTotal})
}
