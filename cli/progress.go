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
	quiet   bool
	order   []string
	last    map[string]downloader.Snapshot
	drawn   int // lines currently on screen (tty)
	lastOut time.Time
	printed map[string]time.Time
}

func newProgressView(w io.Writer, tty, quiet bool) *progressView {
	return &progressView{w: w, tty: tty, quiet: quiet, last: map[string]downloader.Snapshot{}, printed: map[string]time.Time{}}
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
		fmt.Fprintln(v.w, line(s, 0))
	}
}

func (v *progressView) redraw() {
	var b strings.Builder
	if v.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dF", v.drawn) // back to the first line we drew
	}
	for _, id := range v.order {
		b.WriteString("\x1b[2K")
		b.WriteString(line(v.last[id], 30))
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

// line is "name  [#####.....]  42%  12.0 MiB of 28.5 MiB  3.1 MiB/s  ETA 5s".
func line(s downloader.Snapshot, barWidth int) string {
	name := s.Name
	if name == "" {
		name = downloader.RedactURL(s.URL)
	}
	if r := []rune(name); len(r) > 40 {
		name = string(r[:39]) + "…"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-40s ", name)
	if barWidth > 0 {
		filled := int(s.Progress() * float64(barWidth))
		b.WriteString("[" + strings.Repeat("#", filled) + strings.Repeat(".", barWidth-filled) + "] ")
	}
	size := "?"
	if s.Size >= 0 {
		size = downloader.FormatBytes(s.Size)
		fmt.Fprintf(&b, "%3.0f%%  ", s.Progress()*100)
	}
	fmt.Fprintf(&b, "%s of %s  ", downloader.FormatBytes(s.Done), size)
	switch s.State {
	case downloader.StateActive:
		if s.Phase != downloader.PhaseDownloading && s.Phase != downloader.PhaseNone {
			b.WriteString(string(s.Phase))
			if s.Error != "" {
				b.WriteString(": " + s.Error)
			}
		} else {
			fmt.Fprintf(&b, "%s  ETA %s  %d conn", downloader.FormatRate(s.Speed), downloader.FormatETA(s.ETA), s.Connections)
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
