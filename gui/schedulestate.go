package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"haul/downloader"
)

// scheduler is what the window asks an engine that has a schedule;
// *downloader.Manager has one, test fakes may not.
type scheduler interface {
	ScheduleState() downloader.ScheduleState
	StartNow(id string) error
}

// scheduleStatus is the status bar's word on the schedule, or "".
func (u *UI) scheduleStatus() string {
	se, ok := u.eng.(interface {
		ScheduleState() downloader.ScheduleState
	})
	if !ok {
		return ""
	}
	st := se.ScheduleState()
	if !st.Scheduled || u.eng.Settings().Schedule.Mode == downloader.ScheduleAlways {
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

// limitInForce is the global limit the engine applies now: the schedule's
// during its hours, else the saved one.
func (u *UI) limitInForce() int64 {
	if se, ok := u.eng.(interface {
		ScheduleState() downloader.ScheduleState
	}); ok {
		return se.ScheduleState().Limit
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
