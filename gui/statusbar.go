package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
)

// statusBar sums up the whole queue along the bottom edge.
type statusBar struct {
	root                   fyne.CanvasObject
	speed, counts, limit   *widget.Label
	sched                  *widget.Label
	lastSpeed, lastActive  int64
	lastQueued, lastPaused int
	lastLimit              int64
}

func newStatusBar() *statusBar {
	sb := &statusBar{lastSpeed: -1}
	sb.speed = widget.NewLabel("")
	sb.speed.TextStyle.Bold = true
	sb.counts = widget.NewLabel("")
	sb.limit = widget.NewLabel("")
	sb.limit.Importance = widget.LowImportance
	sb.sched = widget.NewLabel("")
	sb.sched.Importance = widget.LowImportance
	sb.root = container.NewVBox(widget.NewSeparator(), container.NewHBox(
		widget.NewIcon(theme.DownloadIcon()), sb.speed,
		widget.NewSeparator(), sb.counts,
		layout.NewSpacer(), sb.sched, sb.limit,
	))
	return sb
}

// update redraws from the model's running totals, O(1).
func (sb *statusBar) update(m *taskModel, limit int64) {
	active := int64(m.states[downloader.StateActive])
	queued, paused := m.states[downloader.StateQueued], m.states[downloader.StatePaused]
	if m.speed == sb.lastSpeed && active == sb.lastActive && queued == sb.lastQueued &&
		paused == sb.lastPaused && limit == sb.lastLimit {
		return
	}
	sb.lastSpeed, sb.lastActive, sb.lastQueued, sb.lastPaused, sb.lastLimit = m.speed, active, queued, paused, limit
	setText(sb.speed, downloader.FormatRate(m.speed))
	setText(sb.counts, lang.L("{{.Active}} active · {{.Queued}} queued · {{.Paused}} paused",
		map[string]any{"Active": active, "Queued": queued, "Paused": paused}))
	setText(sb.limit, lang.L("Speed limit: {{.Limit}}", map[string]any{"Limit": formatLimit(limit)}))
}

// setSchedule shows the schedule's state; "" hides it.
func (sb *statusBar) setSchedule(text string) { setText(sb.sched, text) }
