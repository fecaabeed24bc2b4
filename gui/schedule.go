package gui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
	"haul/unattended"
)

// scheduleTab is Settings → Schedule: when the queue runs, speed limits
// by hour, and the unattended options (keep awake, when done, start with
// the session).
type scheduleTab struct {
	u    *UI
	root fyne.CanvasObject

	mode              *widget.RadioGroup
	from              *escEntry
	runRows, limRows  []*windowRow
	runBox, limBox    *fyne.Container
	keepAwake         *escCheck
	whenDone          *escSelect
	whenDoneAlways    *escCheck
	autostart         *escCheck
	runPanel, frPanel fyne.CanvasObject
}

// dayChoice is one entry of a row's day menu.
type dayChoice struct {
	days  downloader.Weekdays
	title func() string
}

// name is the title shown for c, for choiceTitles and choiceOf.
func (c dayChoice) name() string { return c.title() }

var dayChoices = []dayChoice{
	{downloader.EveryDay, func() string { return lang.L("Every day") }},
	{downloader.Workdays, func() string { return lang.L("Weekdays") }},
	{downloader.Weekend, func() string { return lang.L("Weekends") }},
	{1 << time.Monday, func() string { return lang.L("Monday") }},
	{1 << time.Tuesday, func() string { return lang.L("Tuesday") }},
	{1 << time.Wednesday, func() string { return lang.L("Wednesday") }},
	{1 << time.Thursday, func() string { return lang.L("Thursday") }},
	{1 << time.Friday, func() string { return lang.L("Friday") }},
	{1 << time.Saturday, func() string { return lang.L("Saturday") }},
	{1 << time.Sunday, func() string { return lang.L("Sunday") }},
}

// windowRow edits one Window, and a limit when it is a limit row.
type windowRow struct {
	days          *escSelect
	start, end    *escEntry
	limit         *escEntry // nil on a run row
	root          fyne.CanvasObject
	remove        *widget.Button
	onRemoveClick func()
}

const fromLayout = "2006-01-02 15:04"

// newScheduleTab builds the tab from s; the hook in settings.go appends
// it to the dialog's tabs.
func (u *UI) newScheduleTab(s downloader.Settings) *scheduleTab {
	st := &scheduleTab{u: u}
	sched := s.Schedule
	modes := []string{lang.L("At any time"), lang.L("Only during these hours"), lang.L("From a start time on")}
	st.runBox = container.NewVBox()
	st.limBox = container.NewVBox()
	for _, w := range splitDays(sched.Windows) {
		st.addRow(false, w, 0)
	}
	for _, lw := range sched.Limits {
		for _, w := range splitDays([]downloader.Window{lw.Window}) {
			st.addRow(true, w, lw.Limit)
		}
	}
	addRun := widget.NewButtonWithIcon(lang.L("Add hours"), theme.ContentAddIcon(), func() {
		st.addRow(false, downloader.Window{Days: downloader.EveryDay, Start: 60, End: 7 * 60}, 0)
	})
	addLimit := widget.NewButtonWithIcon(lang.L("Add a speed limit"), theme.ContentAddIcon(), func() {
		st.addRow(true, downloader.Window{Days: downloader.Workdays, Start: 9 * 60, End: 18 * 60}, 1<<20)
	})
	st.from = newEntry()
	st.from.SetPlaceHolder(time.Now().Add(time.Hour).Format(fromLayout))
	if !sched.From.IsZero() {
		st.from.SetText(sched.From.Local().Format(fromLayout))
	}
	st.from.Validator = func(v string) error {
		if _, err := time.ParseInLocation(fromLayout, strings.TrimSpace(v), time.Local); err != nil {
			return errors.New(lang.L("Enter a date and time like 2026-12-24 23:00."))
		}
		return nil
	}
	st.runPanel = container.NewVBox(st.runBox, container.NewHBox(addRun))
	st.frPanel = st.from
	st.mode = widget.NewRadioGroup(modes, func(string) { st.showMode() })
	st.mode.Horizontal = true
	st.mode.Required = true
	switch sched.Mode {
	case downloader.ScheduleWindows:
		st.mode.SetSelected(modes[1])
	case downloader.ScheduleFrom:
		st.mode.SetSelected(modes[2])
	default:
		st.mode.SetSelected(modes[0])
	}

	st.keepAwake = newCheck(lang.L("Keep the computer awake while downloading"), nil)
	st.keepAwake.SetChecked(KeepAwake(s))
	st.whenDone = newSelect(choiceTitles(unattended.Actions, actionTitle), nil)
	st.whenDoneAlways = newCheck(lang.L("Every time, not only now"), nil)
	st.autostart = newCheck(lang.L("Start Haul in the tray when I log in"), nil)
	if un := u.opts.Unattended; un != nil {
		st.whenDone.SetSelected(actionTitle(un.WhenDone()))
		saved, _ := unattended.ParseAction(s.UI[UIKeyWhenDone])
		st.whenDoneAlways.SetChecked(saved != unattended.ActionNone && saved == un.WhenDone())
		st.autostart.SetChecked(un.Autostart())
	} else {
		st.whenDone.Disable()
		st.whenDoneAlways.Disable()
		st.autostart.Disable()
	}

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Run downloads"), st.mode),
		widget.NewFormItem("", container.NewStack(st.runPanel, st.frPanel)),
		&widget.FormItem{Text: lang.L("Speed limits by hour"), Widget: container.NewVBox(st.limBox, container.NewHBox(addLimit)),
			HintText: lang.L("Outside these hours the speed limit on the Downloads tab applies.")},
		widget.NewFormItem("", st.keepAwake),
		&widget.FormItem{Text: lang.L("When all downloads finish"), Widget: container.NewHBox(st.whenDone, st.whenDoneAlways),
			HintText: lang.L("Before sleeping or shutting down, Haul counts down 60 seconds; you can cancel.")},
		widget.NewFormItem("", st.autostart),
	)
	scroll := container.NewVScroll(form)
	scroll.SetMinSize(fyne.NewSize(660, 400))
	st.root = scroll
	st.showMode()
	return st
}

func (st *scheduleTab) showMode() {
	st.runPanel.Hide()
	st.frPanel.Hide()
	switch st.mode.Selected {
	case st.mode.Options[1]:
		st.runPanel.Show()
	case st.mode.Options[2]:
		st.frPanel.Show()
	}
}

// splitDays turns windows whose day set is not on the menu into one
// window per day, so every stored schedule can be shown.
func splitDays(ws []downloader.Window) []downloader.Window {
	var out []downloader.Window
	for _, w := range ws {
		if dayTitle(w.Days) != "" {
			out = append(out, w)
			continue
		}
		for d := time.Sunday; d <= time.Saturday; d++ {
			if w.Days.Has(d) {
				one := w
				one.Days = 1 << d
				out = append(out, one)
			}
		}
	}
	return out
}

func dayTitle(days downloader.Weekdays) string {
	for _, c := range dayChoices {
		if c.days == days {
			return c.title()
		}
	}
	return ""
}

func (st *scheduleTab) addRow(limit bool, w downloader.Window, bps int64) {
	r := &windowRow{days: newSelect(choiceTitles(dayChoices, dayChoice.name), nil)}
	r.days.SetSelected(dayTitle(w.Days))
	clockEntry := func(min int) *escEntry {
		e := newEntry()
		e.SetText(formatClock(min))
		e.Validator = func(v string) error {
			if _, err := parseClock(v); err != nil {
				return errors.New(lang.L("Enter a time like 07:30."))
			}
			return nil
		}
		return e
	}
	r.start, r.end = clockEntry(w.Start), clockEntry(w.End)
	if w.Start == w.End {
		r.start.SetText("00:00")
		r.end.SetText("24:00")
	}
	cells := []fyne.CanvasObject{r.days, sized(r.start, 96), widget.NewLabel("–"), sized(r.end, 96)}
	if limit {
		r.limit = newEntry()
		r.limit.SetPlaceHolder(lang.L("Unlimited"))
		if bps > 0 {
			r.limit.SetText(downloader.FormatRate(bps))
		}
		r.limit.Validator = validateRate
		cells = append(cells, sized(r.limit, 110))
	}
	box, rows := st.runBox, &st.runRows
	if limit {
		box, rows = st.limBox, &st.limRows
	}
	r.remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		box.Remove(r.root)
		for i, x := range *rows {
			if x == r {
				*rows = append((*rows)[:i], (*rows)[i+1:]...)
				break
			}
		}
	})
	cells = append(cells, layout.NewSpacer(), r.remove)
	r.root = container.NewHBox(cells...)
	*rows = append(*rows, r)
	box.Add(r.root)
}

// sized gives an entry a fixed width in an HBox.
func sized(o fyne.CanvasObject, width float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(width, o.MinSize().Height), o)
}

func (r *windowRow) window() (downloader.Window, error) {
	var w downloader.Window
	if c, ok := choiceOf(dayChoices, dayChoice.name, r.days.Selected); ok {
		w.Days = c.days
	}
	if w.Days == 0 {
		return w, errors.New(lang.L("Choose the days."))
	}
	var err error
	if w.Start, err = parseClock(r.start.Text); err != nil {
		return w, err
	}
	if w.End, err = parseClock(r.end.Text); err != nil {
		return w, err
	}
	return w, nil
}

// read puts the tab's schedule and preferences into s.
func (st *scheduleTab) read(s *downloader.Settings) error {
	var sched downloader.Schedule
	switch st.mode.Selected {
	case st.mode.Options[1]:
		sched.Mode = downloader.ScheduleWindows
		for _, r := range st.runRows {
			w, err := r.window()
			if err != nil {
				return fmt.Errorf("%s: %w", lang.L("Schedule"), err)
			}
			sched.Windows = append(sched.Windows, w)
		}
		if len(sched.Windows) == 0 {
			return errors.New(lang.L("Add the hours in which downloads may run."))
		}
	case st.mode.Options[2]:
		if err := st.from.Validator(st.from.Text); err != nil {
			return err
		}
		sched.Mode = downloader.ScheduleFrom
		sched.From, _ = time.ParseInLocation(fromLayout, strings.TrimSpace(st.from.Text), time.Local)
	}
	for _, r := range st.limRows {
		w, err := r.window()
		if err == nil {
			err = r.limit.Validator(r.limit.Text)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", lang.L("Speed limits by hour"), err)
		}
		var bps int64
		if t := strings.TrimSpace(r.limit.Text); t != "" {
			bps, _ = downloader.ParseRate(t)
		}
		sched.Limits = append(sched.Limits, downloader.LimitWindow{Window: w, Limit: bps})
	}
	s.Schedule = sched
	s.UI[UIKeyKeepAwake] = onOff(st.keepAwake.Checked)
	if st.u.opts.Unattended != nil {
		s.UI[UIKeyWhenDone] = string(unattended.ActionNone)
		if st.whenDoneAlways.Checked {
			s.UI[UIKeyWhenDone] = string(st.action())
		}
	}
	return nil
}

func (st *scheduleTab) action() unattended.Action {
	if a, ok := choiceOf(unattended.Actions, actionTitle, st.whenDone.Selected); ok {
		return a
	}
	return unattended.ActionNone
}

// saved applies what lives outside the engine's settings once they were
// stored: this session's action and the autostart entry.
func (st *scheduleTab) saved() error {
	un := st.u.opts.Unattended
	if un == nil {
		return nil
	}
	un.SetWhenDone(st.action())
	if t := st.u.tray; t != nil && t.refreshWhenDone != nil {
		t.refreshWhenDone()
	}
	if st.autostart.Checked != un.Autostart() {
		if err := un.SetAutostart(st.autostart.Checked); err != nil {
			return err
		}
	}
	return nil
}

// parseClock reads "HH:MM" (00:00 to 24:00) as minutes after midnight.
func parseClock(v string) (int, error) {
	var h, m int
	if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d:%d", &h, &m); err != nil || h < 0 || m < 0 || m > 59 || h*60+m > downloader.MinutesPerDay {
		return 0, errors.New(lang.L("Enter a time like 07:30."))
	}
	return h*60 + m, nil
}

func formatClock(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }
