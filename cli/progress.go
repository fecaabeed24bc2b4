package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"haul/downloader"
)

// progressView draws download progress: a redrawn block of bars on a
// terminal, occasional plain lines otherwise (logs, pipes, CI).
type progressView struct {
	w       io.Writer
	tty     bool
	cols    func() int // the terminal's width, asked at each redraw
	quiet   bool
	order   []string
	last    map[string]downloader.Snapshot
	drawn   int // lines currently on screen (tty)
	lastOut time.Time
	printed map[string]time.Time
	// announced: tasks whose video variant was printed.
	announced map[string]bool
}

func newProgressView(w io.Writer, tty, quiet bool) *progressView {
	v := &progressView{w: w, tty: tty, quiet: quiet, last: map[string]downloader.Snapshot{}, printed: map[string]time.Time{}}
	v.cols = func() int { return defaultColumns }
	if f, ok := w.(*os.File); ok && tty {
		v.cols = func() int { return terminalColumns(f) }
	}
	return v
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (v *progressView) update(ev downloader.Event) {
	s := ev.Task
	if _, ok := v.last[s.ID]; !ok {
		v.order = append(v.order, s.ID)
	}
	prev := v.last[s.ID]
	v.last[s.ID] = s
	if v.quiet {
		return
	}
	if v.tty {
		if time.Since(v.lastOut) < 200*time.Millisecond && ev.Kind == downloader.EventProgress {
			return
		}
		v.redraw()
		return
	}
	// Plain output: state changes at once, progress every few seconds.
	changed := prev.State != s.State || prev.Phase != s.Phase || prev.Error != s.Error
	if changed || time.Since(v.printed[s.ID]) >= 5*time.Second {
		v.printed[s.ID] = time.Now()
		fmt.Fprintln(v.w, plainLine(s))
	}
}

func (v *progressView) redraw() {
	var b strings.Builder
	if v.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dF", v.drawn) // back to the first line we drew
	}
	// A line as wide as the terminal wraps, and the cursor-up above would
	// then leave its first part behind: every line stays a column short.
	cols := v.cols() - 1
	for _, id := range v.order {
		b.WriteString("\x1b[2K")
		b.WriteString(barLine(v.last[id], cols))
		b.WriteByte('\n')
	}
	v.drawn = len(v.order)
	v.lastOut = time.Now()
	io.WriteString(v.w, b.String())
}

// clear leaves the terminal with the final state drawn once.
func (v *progressView) clear() {
	if v.tty && !v.quiet && len(v.order) > 0 {
		v.redraw()
	}
}

// Widths of a terminal line's parts, in columns.
const (
	maxNameColumns = 40
	minNameColumns = 16
	maxBarColumns  = 30
	minBarColumns  = 8
)

// barLine is "name  [#####.....]  42%  12.0 MiB of 28.5 MiB  3.1 MiB/s  ETA 5s"
// in at most cols columns: the name and the bar shrink first, then the
// end of the line is cut.
func barLine(s downloader.Snapshot, cols int) string {
	nameW := min(maxNameColumns, max(minNameColumns, cols/3))
	stats := statsText(s, false)
	if nameW+1+columns(stats) > cols {
		stats = statsText(s, true)
	}
	barW := min(maxBarColumns, cols-nameW-columns(stats)-4) // 4: the spaces and brackets
	var b strings.Builder
	b.WriteString(fit(taskName(s), nameW, true) + " ")
	if barW >= minBarColumns {
		filled := int(s.Progress() * float64(barW))
		b.WriteString("[" + strings.Repeat("#", filled) + strings.Repeat(".", barW-filled) + "] ")
	}
	b.WriteString(stats)
	return fit(b.String(), cols, false)
}

// plainLine is a line for logs and pipes, where nothing is redrawn and no
// width applies.
func plainLine(s downloader.Snapshot) string {
	return fit(taskName(s), maxNameColumns, true) + " " + statsText(s, false)
}

func taskName(s downloader.Snapshot) string {
	if s.Name != "" {
		return s.Name
	}
	return downloader.RedactURL(s.URL)
}

// statsText is "42%  12.0 MiB of 28.5 MiB  3.1 MiB/s  ETA 5s  16 conn", or
// the state and its reason; compact leaves out the total and the
// connections for narrow terminals.
func statsText(s downloader.Snapshot, compact bool) string {
	var b strings.Builder
	switch {
	case s.Kind == downloader.KindVideo && s.State != downloader.StateCompleted:
		// The size is known only at the end: segments say how far it is.
		fmt.Fprintf(&b, "%3.0f%%  %s  %s  ", s.Progress()*100, videoSegments(s), downloader.FormatBytes(s.Done))
	case compact:
		if s.Size >= 0 {
			fmt.Fprintf(&b, "%3.0f%%  ", s.Progress()*100)
		}
		b.WriteString(downloader.FormatBytes(s.Done) + "  ")
	default:
		size := "?"
		if s.Size >= 0 {
			size = downloader.FormatBytes(s.Size)
			fmt.Fprintf(&b, "%3.0f%%  ", s.Progress()*100)
		}
		fmt.Fprintf(&b, "%s of %s  ", downloader.FormatBytes(s.Done), size)
	}
	switch s.State {
	case downloader.StateActive:
		if s.Phase != downloader.PhaseDownloading && s.Phase != downloader.PhaseNone {
			b.WriteString(string(s.Phase))
			if s.Error != "" {
				b.WriteString(": " + s.Error)
			}
		} else {
			fmt.Fprintf(&b, "%s  ETA %s", downloader.FormatRate(s.Speed), downloader.FormatETA(s.ETA))
			if !compact {
				fmt.Fprintf(&b, "  %d conn", s.Connections)
			}
		}
	case downloader.StateFailed, downloader.StatePaused:
		b.WriteString(string(s.State))
		if s.Error != "" {
			b.WriteString(": " + s.Error)
		}
	default:
		b.WriteString(string(s.State))
	}
	return b.String()
}
