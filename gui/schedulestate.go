package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"haul/downloader"
)

// scheduleStater is an engine that has a schedule; *downloader.Manager
// is one, test fakes may not be.
type scheduleStater interface {
	ScheduleState() downloader.ScheduleState
}

// scheduler is what the window asks of an engine with a schedule.
type scheduler interface {
	scheduleStater
	StartNow(id string) error
}

// scheduleNow reads the engine's schedule once for what a tick shows;
// ok is false for an engine without one.
func (u *UI) scheduleNow() (st downloader.ScheduleState, ok bool) {
	if se, ok := u.eng.(scheduleStater); ok {
		return se.ScheduleState(), true
	}
	return st, false
}

// scheduleStatus is the status bar's word on the schedule st, or "".
func (u *UI) scheduleStatus(st downloader.ScheduleState, ok bool) string {
	if !ok || !st.Scheduled || u.eng.Settings().Schedule.Mode == downloader.ScheduleAlways {
		return ""
	}
	until := st.Until.Local()
	when := dayTitle(1<<until.Weekday()) + " " + until.Format("15:04")
	switch {
	case st.Open && st.Until.IsZero():
		return lang.L("Schedule: running")
	case st.Open:
		return lang.L("Schedule: running until {{.Time}}", map[string]any{"Time": when})
	case st.Until.IsZero():
		return lang.L("Waiting for the schedule")
	}
	return lang.L("Waiting for the schedule until {{.Time}}", map[string]any{"Time": when})
}

// limitInForce is the global limit the engine applies now: the schedule
// st's during its hours, else the saved one.
func (u *UI) limitInForce(st downloader.ScheduleState, ok bool) int64 {
	if ok {
		return st.Limit
	}
	return u.eng.Settings().GlobalLimit
}

// startNowItem is the context menu's "Start now anyway" for tasks the
// schedule holds; nil when the engine has no schedule or none is held.
func (u *UI) startNowItem(sel []*downloader.Snapshot) *fyne.MenuItem {
	se, ok := u.eng.(scheduler)
	if !ok {
		return nil
	}
	var ids []string
	for _, s := range sel {
		if s.Phase == downloader.PhaseWaitingSchedule || (s.State == downloader.StatePaused && !s.StartNow) {
			ids = append(ids, s.ID)
		}
	}
	if len(ids) == 0 || u.eng.Settings().Schedule.Mode == downloader.ScheduleAlways {
		return nil
	}
	it := fyne.NewMenuItem(lang.L("Start now, whatever the schedule"), func() {
		for _, id := range ids {
			_ = se.StartNow(id) // a task removed meanwhile needs nothing
		}
	})
	it.Icon = theme.MediaFastForwardIcon()
	return it
}
