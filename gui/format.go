package gui

import (
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2/lang"

	"haul/downloader"
)

// The engine owns byte and rate formatting so the CLI and the GUI print
// the same numbers; these wrappers keep the GUI's blanks for unknowns.

func formatSize(s *downloader.Snapshot) string {
	if s.Size < 0 {
		if s.Done > 0 {
			return downloader.FormatBytes(s.Done)
		}
		return "—"
	}
	return downloader.FormatBytes(s.Size)
}

func formatSpeed(s *downloader.Snapshot) string {
	if s.State != downloader.StateActive || s.Speed <= 0 {
		return ""
	}
	return downloader.FormatRate(s.Speed)
}

func formatETA(s *downloader.Snapshot) string {
	if s.State != downloader.StateActive || s.ETA < 0 || s.Speed <= 0 {
		return ""
	}
	return downloader.FormatETA(s.ETA)
}

// formatLimit renders a speed cap, where zero means none.
func formatLimit(bps int64) string {
	if bps <= 0 {
		return lang.L("Unlimited")
	}
	return downloader.FormatRate(bps)
}

// progressText is what the progress bar prints: the percentage when the
// size is known, otherwise how much has arrived.
func progressText(s *downloader.Snapshot) string {
	switch {
	case s.State == downloader.StateCompleted:
		return "100%"
	case s.Done == 0 && s.State != downloader.StateActive:
		return "" // a row of "0.0%" on everything waiting is noise
	case s.Size > 0:
		p := s.Progress() * 100
		if p > 99.9 && s.Done < s.Size {
			p = 99.9 // never claim 100% before the engine does
		}
		return trimFloat(p) + "%"
	case s.Done > 0:
		return downloader.FormatBytes(s.Done)
	}
	return ""
}

func trimFloat(p float64) string { return strconv.FormatFloat(p, 'f', 1, 64) }

// statusText is the sentence in the Status column.
func statusText(s *downloader.Snapshot) string {
	if s.Broken {
		return lang.L("Unreadable record: remove this task")
	}
	switch s.State {
	case downloader.StateCompleted:
		return lang.L("Completed")
	case downloader.StateFailed:
		if s.Error != "" {
			return lang.L("Failed: {{.Error}}", map[string]any{"Error": errorText(*s)})
		}
		return lang.L("Failed")
	case downloader.StatePaused:
		if s.Error != "" {
			return lang.L("Paused: {{.Error}}", map[string]any{"Error": errorText(*s)})
		}
		return lang.L("Paused")
	case downloader.StateQueued:
		if s.Phase == downloader.PhaseWaitingSchedule {
			return lang.L("Waiting for the schedule")
		}
		return lang.L("Queued")
	case downloader.StateActive:
		switch s.Phase {
		case downloader.PhaseProbing:
			return lang.L("Connecting…")
		case downloader.PhaseRetrying:
			if s.Error != "" {
				return lang.L("Retrying: {{.Error}}", map[string]any{"Error": errorText(*s)})
			}
			return lang.L("Retrying…")
		case downloader.PhaseWaitingNetwork:
			return lang.L("Waiting for the network…")
		case downloader.PhaseVerifying:
			return lang.L("Verifying…")
		}
		if isWaiting(s) {
			return lang.L("Waiting…") // a wait this window has no sentence for yet
		}
		if s.Connections > 0 {
			return lang.N("Downloading · {{.Count}} connections", s.Connections, map[string]any{"Count": s.Connections})
		}
		return lang.L("Downloading")
	}
	return string(s.State)
}

// displayName is the file name, or a guess from the URL before the server
// has told us.
func displayName(s *downloader.Snapshot) string {
	if s.Name != "" {
		return s.Name
	}
	full := downloader.RedactURL(s.URL) // a password in the link is never shown
	u := full
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if b := path.Base(u); b != "" && b != "/" && b != "." && !strings.HasSuffix(u, "//"+b) {
		// Shown as the file will be named, not as the URL escapes it.
		if d, err := url.PathUnescape(b); err == nil && d != "" && utf8.ValidString(d) {
			return d
		}
		return b
	}
	return full
}

// formatTime is a short local time, blank for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04:05")
}
