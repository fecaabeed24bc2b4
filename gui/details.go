package gui

import (
	"fmt"
	"image/color"
	"maps"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
)

// detailsPane shows everything known about the selected task.
type detailsPane struct {
	root    fyne.CanvasObject
	content *fyne.Container
	hint    *widget.Label

	title    *widget.Label
	segments *SegmentMap
	summary  *widget.Label

	url, finalURL, path, size, validators, conns, options, times *widget.Label
	log                                                          *widget.Label
	shownID                                                      string

	// Links and verification (detailslink.go).
	verified     *widget.Label
	changeLink   *widget.Button
	onChangeLink func(downloader.Snapshot)
	changeable   func(*downloader.Snapshot) bool
	shown        downloader.Snapshot
}

func newDetailsPane() *detailsPane {
	d := &detailsPane{}
	d.title = widget.NewLabel("")
	d.title.TextStyle.Bold = true
	d.title.Truncation = fyne.TextTruncateEllipsis
	d.segments = NewSegmentMap()
	d.summary = widget.NewLabel("")
	d.summary.Importance = widget.LowImportance
	d.summary.Wrapping = fyne.TextWrapWord // the whole reason, which the Status column may cut

	value := func() *widget.Label {
		l := widget.NewLabel("")
		l.Selectable = true // so a URL or path can be copied
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	d.url, d.finalURL, d.path, d.size = value(), value(), value(), value()
	d.validators, d.conns, d.options, d.times = value(), value(), value(), value()
	d.log = widget.NewLabel("")
	d.log.Wrapping = fyne.TextWrapWord
	d.log.Selectable = true

	key := func(s string) fyne.CanvasObject {
		l := widget.NewLabel(s)
		l.Alignment = fyne.TextAlignTrailing
		l.Importance = widget.LowImportance
		return l
	}
	form := container.New(layout.NewFormLayout(),
		key(lang.L("Address")), d.url,
		key(lang.L("Final address")), d.finalURL,
		key(lang.L("Saved to")), d.path,
		key(lang.L("Size")), d.size,
		key(lang.L("Verification")), d.verifiedRow(),
		key(lang.L("Validators")), d.validators,
		key(lang.L("Connections")), d.conns,
		key(lang.L("Options")), d.options,
		key(lang.L("Times")), d.times,
	)
	tabs := container.NewAppTabs(
		container.NewTabItem(lang.L("General"), container.NewVScroll(form)),
		container.NewTabItem(lang.L("Log"), container.NewVScroll(d.log)),
	)
	legend := container.NewHBox(
		legendItem(0, lang.L("Done")), legendItem(1, lang.L("Downloading")), legendItem(2, lang.L("Pending")),
	)
	top := container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(d.linkButton(), legend), d.title),
		d.segments,
		d.summary,
	)
	d.content = container.NewBorder(top, nil, nil, nil, tabs)
	d.hint = widget.NewLabel(lang.L("Select a download to see its details."))
	d.hint.Alignment = fyne.TextAlignCenter
	d.hint.Importance = widget.LowImportance
	d.root = container.NewStack(container.NewCenter(d.hint), d.content)
	d.show(nil)
	return d
}

// legendItem is a swatch and a word; kind 0 done, 1 in flight, 2 pending.
func legendItem(kind int, text string) fyne.CanvasObject {
	done, active, pending, border := segmentColors()
	c := []color.Color{done, active, pending}[kind]
	sw := canvas.NewRectangle(c)
	sw.StrokeColor, sw.StrokeWidth, sw.CornerRadius = border, 1, 2
	sw.SetMinSize(fyne.NewSquareSize(theme.TextSize() * 0.8))
	l := widget.NewLabel(text)
	l.Importance = widget.LowImportance
	return container.NewHBox(container.NewCenter(sw), l)
}

// show displays s, or the hint when nothing (or several things) is
// selected.
func (d *detailsPane) show(s *downloader.Snapshot) {
	if s == nil {
		d.shownID = ""
		d.content.Hide()
		d.hint.Show()
		return
	}
	d.shownID = s.ID
	d.hint.Hide()
	d.content.Show()

	setText(d.title, displayName(s))
	d.segments.Set(segmentMapOf(s))
	imp := lookOf(s).importance // errors and warnings stand out; the rest stays quiet
	if imp == widget.MediumImportance {
		imp = widget.LowImportance
	}
	setLabel(d.summary, detailsSummary(s), imp)
	setText(d.url, downloader.RedactURL(s.URL))
	setText(d.finalURL, orDash(s.FinalURL))
	path := ""
	if s.Name != "" {
		path = s.Path()
	} else if s.Folder != "" {
		path = s.Folder
	}
	setText(d.path, orDash(path))
	size := lang.L("unknown")
	if s.Size >= 0 {
		size = fmt.Sprintf("%s (%d B)", downloader.FormatBytes(s.Size), s.Size)
	}
	if s.Resumable {
		size += " · " + lang.L("resumable")
	} else if s.State != downloader.StateQueued {
		size += " · " + lang.L("cannot resume")
	}
	if s.Kind == downloader.KindVideo {
		size += " · " + videoText(s)
	}
	setText(d.size, size)
	var v []string
	if s.ETag != "" {
		v = append(v, "ETag "+s.ETag)
	}
	if s.LastModified != "" {
		v = append(v, lang.L("Last modified {{.Time}}", map[string]any{"Time": s.LastModified}))
	}
	setText(d.validators, orDash(strings.Join(v, " · ")))
	limit := s.Options.Connections
	conns := fmt.Sprintf("%d", s.Connections)
	if limit > 0 {
		conns = lang.L("{{.Now}} of at most {{.Max}}", map[string]any{"Now": s.Connections, "Max": limit})
	}
	setText(d.conns, conns)
	setText(d.options, optionsText(s.Options))
	times := lang.L("Added {{.Time}}", map[string]any{"Time": formatTime(s.Created)})
	if !s.Finished.IsZero() {
		times += " · " + lang.L("Finished {{.Time}}", map[string]any{"Time": formatTime(s.Finished)})
	}
	setText(d.times, times)
	setText(d.log, logText(s))
	d.showLink(s)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// detailsSummary is the line under the segment map.
func detailsSummary(s *downloader.Snapshot) string {
	parts := []string{statusText(s)}
	if s.Size > 0 {
		parts = append(parts, fmt.Sprintf("%s / %s (%s%%)",
			downloader.FormatBytes(s.Done), downloader.FormatBytes(s.Size), trimFloat(s.Progress()*100)))
	} else if s.Done > 0 {
		parts = append(parts, downloader.FormatBytes(s.Done))
	}
	if sp := formatSpeed(s); sp != "" {
		parts = append(parts, sp)
	}
	if eta := formatETA(s); eta != "" {
		parts = append(parts, lang.L("{{.ETA}} left", map[string]any{"ETA": eta}))
	}
	if s.State == downloader.StateCompleted {
		parts = append(parts, verificationText(s))
	}
	return strings.Join(parts, " · ")
}

func optionsText(o downloader.Options) string {
	var parts []string
	if o.SpeedLimit > 0 {
		parts = append(parts, lang.L("Speed limit {{.Limit}}", map[string]any{"Limit": downloader.FormatRate(o.SpeedLimit)}))
	}
	if !o.Checksum.IsZero() {
		parts = append(parts, lang.L("Checksum {{.Sum}}", map[string]any{"Sum": o.Checksum.String()}))
	}
	names := slices.Sorted(maps.Keys(o.Headers))
	parts = append(parts, names...)
	if len(parts) == 0 {
		return lang.L("Defaults")
	}
	return strings.Join(parts, " · ")
}

func logText(s *downloader.Snapshot) string {
	if len(s.Log) == 0 {
		if s.Error != "" {
			return errorText(*s)
		}
		return lang.L("No problems so far.")
	}
	var b strings.Builder
	for i := len(s.Log) - 1; i >= 0; i-- { // newest first
		e := s.Log[i]
		b.WriteString(e.Time.Local().Format("15:04:05"))
		b.WriteString("  ")
		b.WriteString(e.Text)
		if i > 0 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
