package downloader

import (
	"fmt"
	"time"
)

// ScheduleMode says when the queue may start tasks.
type ScheduleMode string

const (
	// ScheduleAlways runs the queue at any time (the default).
	ScheduleAlways ScheduleMode = ""
	// ScheduleWindows runs the queue only within Schedule.Windows.
	ScheduleWindows ScheduleMode = "windows"
	// ScheduleFrom holds the queue until Schedule.From, then runs it always.
	ScheduleFrom ScheduleMode = "from"
)

// Weekdays is a set of days: bit i is time.Weekday(i) (Sunday = 0).
type Weekdays uint8

// EveryDay, Workdays and Weekend are the usual sets.
const (
	EveryDay Weekdays = 0x7f
	Workdays Weekdays = 0x3e
	Weekend  Weekdays = 0x41
)

// Has reports whether d is in the set.
func (w Weekdays) Has(d time.Weekday) bool { return w&(1<<d) != 0 }

// MinutesPerDay bounds Window.Start and Window.End.
const MinutesPerDay = 24 * 60

// Window is a span of local wall-clock time on chosen days. Start and End
// are minutes after local midnight (0..1440). End < Start runs past
// midnight into the next day (22:00–06:00); End == Start is the whole day.
// Days are the days on which the window starts. Wall-clock time is what
// counts: on a DST change 01:00–07:00 is six or seven real hours long.
type Window struct {
	Days  Weekdays `json:"days"`
	Start int      `json:"start"`
	End   int      `json:"end"`
}

// LimitWindow is a global speed limit in force during a window.
type LimitWindow struct {
	Window
	// Limit is bytes per second; 0 means unlimited.
	Limit int64 `json:"limit"`
}

// Schedule says when the queue runs and how fast. The zero value runs
// always at the saved limit.
type Schedule struct {
	Mode ScheduleMode `json:"mode,omitempty"`
	// Windows are when the queue runs in ScheduleWindows mode.
	Windows []Window `json:"windows,omitempty"`
	// From is when the queue starts in ScheduleFrom mode.
	From time.Time `json:"from,omitzero"`
	// Limits replace Settings.GlobalLimit while one of them is in force;
	// the first that contains the time wins.
	Limits []LimitWindow `json:"limits,omitempty"`
}

// Contains reports whether t (read in its own location) is inside w.
func (w Window) Contains(t time.Time) bool {
	sec := t.Hour()*3600 + t.Minute()*60 + t.Second()
	start, end := w.Start*60, w.End*60
	day := t.Weekday()
	switch {
	case w.Start == w.End:
		return w.Days.Has(day)
	case w.Start < w.End:
		return w.Days.Has(day) && sec >= start && sec < end
	default:
		prev := (day + 6) % 7
		return (w.Days.Has(day) && sec >= start) || (w.Days.Has(prev) && sec < end)
	}
}

// Allows reports whether the queue may start tasks at t.
func (s Schedule) Allows(t time.Time) bool {
	switch s.Mode {
	case ScheduleWindows:
		for _, w := range s.Windows {
			if w.Contains(t) {
				return true
			}
		}
		return false
	case ScheduleFrom:
		return !t.Before(s.From)
	}
	return true
}

// EffectiveLimit is the global speed limit in bytes per second at t: the
// first limit window that contains t, else saved (0 = unlimited). It is
// the one place that layers the schedule over the saved setting.
func EffectiveLimit(saved int64, s Schedule, t time.Time) int64 {
	for _, lw := range s.Limits {
		if lw.Contains(t) {
			return lw.Limit
		}
	}
	return saved
}

// NextChange is the earliest instant after t at which Allows or
// EffectiveLimit may change, or the zero time when nothing will. It may
// name an instant where nothing changes (a caller re-evaluates then), but
// never skips one where something does, DST changes included.
func (s Schedule) NextChange(t time.Time) time.Time {
	var next time.Time
	consider := func(c time.Time) {
		if c.After(t) && (next.IsZero() || c.Before(next)) {
			next = c
		}
	}
	var ws []Window
	if s.Mode == ScheduleWindows {
		ws = append(ws, s.Windows...)
	}
	for _, lw := range s.Limits {
		ws = append(ws, lw.Window)
	}
	if s.Mode == ScheduleFrom {
		consider(s.From)
	}
	if len(ws) == 0 {
		return next
	}
	// A change of the UTC offset moves every wall-clock boundary.
	if _, end := t.ZoneBounds(); !end.IsZero() {
		consider(end)
	}
	y, mo, d := t.Date()
	for day := -1; day <= 8; day++ {
		wd := time.Date(y, mo, d+day, 12, 0, 0, 0, t.Location()).Weekday()
		for _, w := range ws {
			for _, min := range w.boundaries(wd) {
				for _, c := range wallTimes(y, mo, d+day, min, t.Location()) {
					consider(c)
				}
			}
		}
	}
	return next
}

// boundaries are the minutes after midnight on a day of weekday wd at
// which w opens or closes.
func (w Window) boundaries(wd time.Weekday) []int {
	prev := (wd + 6) % 7
	var out []int
	switch {
	case w.Start == w.End:
		if w.Days.Has(wd) != w.Days.Has(prev) {
			out = append(out, 0)
		}
	case w.Start < w.End:
		if w.Days.Has(wd) {
			out = append(out, w.Start, w.End)
		}
	default:
		if w.Days.Has(wd) {
			out = append(out, w.Start)
		}
		if w.Days.Has(prev) {
			out = append(out, w.End)
		}
	}
	return out
}

// wallTimes are the instants whose local wall clock first reads min
// minutes after midnight of the given day: two when a DST change repeats
// that time, and the instant of the change when it skips it (02:30 on a
// spring-forward night).
func wallTimes(y int, mo time.Month, d, min int, loc *time.Location) []time.Time {
	c := time.Date(y, mo, d, min/60, min%60, 0, 0, loc)
	want := min % MinutesPerDay
	if got := c.Hour()*60 + c.Minute(); got != want {
		start, end := c.ZoneBounds()
		if got > want {
			return []time.Time{start}
		}
		return []time.Time{end}
	}
	out := []time.Time{c}
	// Offsets change by 30 minutes to 2 hours; look for a repeat.
	for k := -4; k <= 4; k++ {
		if k == 0 {
			continue
		}
		o := c.Add(time.Duration(k) * 30 * time.Minute)
		if o.Hour()*60+o.Minute() == want && o.YearDay() == c.YearDay() {
			out = append(out, o)
		}
	}
	return out
}

func (s Schedule) validate() error {
	switch s.Mode {
	case ScheduleAlways, ScheduleFrom:
	case ScheduleWindows:
		if len(s.Windows) == 0 {
			return fmt.Errorf("the schedule has no hours to run in: %w", ErrBadSettings)
		}
	default:
		return fmt.Errorf("unknown schedule mode %q: %w", s.Mode, ErrBadSettings)
	}
	if s.Mode == ScheduleFrom && s.From.IsZero() {
		return fmt.Errorf("the schedule has no start time: %w", ErrBadSettings)
	}
	for _, w := range s.Windows {
		if err := w.validate(); err != nil {
			return err
		}
	}
	for _, lw := range s.Limits {
		if err := lw.validate(); err != nil {
			return err
		}
		if lw.Limit < 0 {
			return fmt.Errorf("a scheduled speed limit must not be negative: %w", ErrBadSettings)
		}
	}
	return nil
}

func (w Window) validate() error {
	if w.Days&EveryDay == 0 {
		return fmt.Errorf("a schedule window has no days: %w", ErrBadSettings)
	}
	if w.Start < 0 || w.Start > MinutesPerDay || w.End < 0 || w.End > MinutesPerDay {
		return fmt.Errorf("a schedule time is not between 00:00 and 24:00: %w", ErrBadSettings)
	}
	return nil
}
