package gui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"haul/downloader"
	"haul/internal/fakeengine"
	"haul/unattended"
)

// fakeUnattended records what the Schedule tab asks of main.go.
type fakeUnattended struct {
	action    unattended.Action
	autostart bool
	sets      int
}

func (f *fakeUnattended) WhenDone() unattended.Action     { return f.action }
func (f *fakeUnattended) SetWhenDone(a unattended.Action) { f.action = a }
func (f *fakeUnattended) Autostart() bool                 { return f.autostart }
func (f *fakeUnattended) SetAutostart(on bool) error      { f.autostart = on; f.sets++; return nil }

func openSchedule(t *testing.T) (*UI, *fakeengine.Engine, *fakeUnattended) {
	t.Helper()
	a := test.NewTempApp(t)
	s := downloader.DefaultSettings("/home/me/Downloads")
	s.UI = map[string]string{}
	eng := fakeengine.New(s)
	un := &fakeUnattended{}
	u := newUI(a, eng, Options{Unattended: un})
	t.Cleanup(u.Close)
	u.win.Resize(fyne.NewSize(1200, 800))
	u.showSettings()
	return u, eng, un
}

func TestScheduleTabSaves(t *testing.T) {
	u, eng, un := openSchedule(t)
	st := u.settingsDlg.sched
	st.mode.SetSelected(st.mode.Options[1])
	if !st.runPanel.Visible() || st.frPanel.Visible() {
		t.Fatal("the hours editor is not the one shown")
	}
	st.addRow(false, downloader.Window{Days: downloader.Workdays, Start: 60, End: 7 * 60}, 0)
	st.addRow(false, downloader.Window{Days: downloader.Weekend}, 0)
	st.addRow(true, downloader.Window{Days: downloader.Workdays, Start: 9 * 60, End: 18 * 60}, 1<<20)
	st.limRows[0].limit.SetText("2M")
	st.runRows[0].end.SetText("06:30")
	st.whenDone.SetSelected(actionTitle(unattended.ActionSleep))
	st.whenDoneAlways.SetChecked(true)
	st.keepAwake.SetChecked(false)
	st.autostart.SetChecked(true)
	test.Tap(u.settingsDlg.save)
	if u.settingsDlg != nil {
		t.Fatalf("settings still open: %s", u.settingsDlg.problem.Text)
	}
	s := eng.Settings()
	want := downloader.Schedule{
		Mode: downloader.ScheduleWindows,
		Windows: []downloader.Window{
			{Days: downloader.Workdays, Start: 60, End: 6*60 + 30},
			{Days: downloader.Weekend, Start: 0, End: downloader.MinutesPerDay},
		},
		Limits: []downloader.LimitWindow{{Window: downloader.Window{Days: downloader.Workdays, Start: 9 * 60, End: 18 * 60}, Limit: 2 << 20}},
	}
	if got := s.Schedule; !scheduleEqual(got, want) {
		t.Errorf("saved %+v\nwant  %+v", got, want)
	}
	if s.UI[UIKeyWhenDone] != "sleep" || s.UI[UIKeyKeepAwake] != "off" {
		t.Errorf("saved UI %v", s.UI)
	}
	if un.action != unattended.ActionSleep || !un.autostart || un.sets != 1 {
		t.Errorf("session: action %q, autostart %v (%d calls)", un.action, un.autostart, un.sets)
	}

	// Opened again, the tab shows what was saved.
	u.showSettings()
	st = u.settingsDlg.sched
	if st.mode.Selected != st.mode.Options[1] || len(st.runRows) != 2 || len(st.limRows) != 1 ||
		st.runRows[1].end.Text != "24:00" || st.limRows[0].limit.Text != downloader.FormatRate(2<<20) ||
		!st.whenDoneAlways.Checked || st.keepAwake.Checked || !st.autostart.Checked {
		t.Errorf("reopened tab does not show the saved schedule")
	}
}

func TestScheduleTabRejectsBadInput(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(st *scheduleTab)
	}{
		{"time past midnight", func(st *scheduleTab) {
			st.mode.SetSelected(st.mode.Options[1])
			st.addRow(false, downloader.Window{Days: downloader.EveryDay, Start: 60, End: 120}, 0)
			st.runRows[0].start.SetText("25:00")
		}},
		{"no hours", func(st *scheduleTab) { st.mode.SetSelected(st.mode.Options[1]) }},
		{"no start time", func(st *scheduleTab) {
			st.mode.SetSelected(st.mode.Options[2])
			st.from.SetText("tomorrow")
		}},
		{"bad limit", func(st *scheduleTab) {
			st.addRow(true, downloader.Window{Days: downloader.EveryDay, Start: 60, End: 120}, 0)
			st.limRows[0].limit.SetText("fast")
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			u, eng, un := openSchedule(t)
			before := eng.Settings()
			tt.edit(u.settingsDlg.sched)
			test.Tap(u.settingsDlg.save)
			if u.settingsDlg == nil || u.settingsDlg.problem.Hidden {
				t.Fatal("bad input saved without a word")
			}
			if !scheduleEqual(eng.Settings().Schedule, before.Schedule) || un.sets != 0 {
				t.Error("something was saved")
			}
		})
	}
}

func TestScheduleFromStartTime(t *testing.T) {
	u, eng, _ := openSchedule(t)
	st := u.settingsDlg.sched
	st.mode.SetSelected(st.mode.Options[2])
	st.from.SetText("2026-12-24 23:00")
	test.Tap(u.settingsDlg.save)
	s := eng.Settings().Schedule
	want := time.Date(2026, 12, 24, 23, 0, 0, 0, time.Local)
	if s.Mode != downloader.ScheduleFrom || !s.From.Equal(want) {
		t.Errorf("saved %+v, want from %v", s, want)
	}
}

func TestStatusWaitingForSchedule(t *testing.T) {
	s := downloader.Snapshot{State: downloader.StateQueued, Phase: downloader.PhaseWaitingSchedule}
	if got := statusText(&s); got != "Waiting for the schedule" {
		t.Errorf("status %q", got)
	}
}

func scheduleEqual(a, b downloader.Schedule) bool {
	if a.Mode != b.Mode || !a.From.Equal(b.From) || len(a.Windows) != len(b.Windows) || len(a.Limits) != len(b.Limits) {
		return false
	}
	for i := range a.Windows {
		if a.Windows[i] != b.Windows[i] {
			return false
		}
	}
	for i := range a.Limits {
		if a.Limits[i] != b.Limits[i] {
			return false
		}
	}
	return true
}

// fakeTrayHost records the tray menu the window installs.
type fakeTrayHost struct{ menu *fyne.Menu }

func (f *fakeTrayHost) SetSystemTrayMenu(m *fyne.Menu)  { f.menu = m }
func (f *fakeTrayHost) SetSystemTrayIcon(fyne.Resource) {}
func (f *fakeTrayHost) SetSystemTrayWindow(fyne.Window) {}

func TestTrayWhenDoneMenu(t *testing.T) {
	a := test.NewTempApp(t)
	s := downloader.DefaultSettings("/home/me/Downloads")
	s.UI = map[string]string{}
	host := &fakeTrayHost{}
	un := &fakeUnattended{action: unattended.ActionQuit}
	u := newUI(a, fakeengine.New(s), Options{Desktop: host, Unattended: un})
	t.Cleanup(u.Close)
	var item *fyne.MenuItem
	for _, it := range host.menu.Items {
		if it.Label == "When downloads finish" {
			item = it
		}
	}
	if item == nil || item.ChildMenu == nil || len(item.ChildMenu.Items) != len(unattended.Actions) {
		t.Fatalf("no When downloads finish submenu in %v", host.menu.Items)
	}
	checked := func() []string {
		var out []string
		for _, c := range item.ChildMenu.Items {
			if c.Checked {
				out = append(out, c.Label)
			}
		}
		return out
	}
	if got := checked(); len(got) != 1 || got[0] != "Quit Haul" {
		t.Fatalf("checked %v, want the session's Quit Haul", got)
	}
	item.ChildMenu.Items[3].Action() // Shut down
	if un.action != unattended.ActionShutdown {
		t.Errorf("session action %q after choosing Shut down", un.action)
	}
	if got := checked(); len(got) != 1 || got[0] != "Shut down" {
		t.Errorf("checked %v after choosing Shut down", got)
	}
}

// scheduledEngine adds the schedule's calls to the fake engine.
type scheduledEngine struct {
	*fakeengine.Engine
	state    downloader.ScheduleState
	startNow []string
}

func (e *scheduledEngine) ScheduleState() downloader.ScheduleState { return e.state }
func (e *scheduledEngine) StartNow(id string) error                { e.startNow = append(e.startNow, id); return nil }

func TestStartNowAndScheduleStatus(t *testing.T) {
	a := test.NewTempApp(t)
	s := downloader.DefaultSettings("/home/me/Downloads")
	s.Schedule = downloader.Schedule{Mode: downloader.ScheduleWindows, Windows: []downloader.Window{{Days: downloader.EveryDay, Start: 60, End: 7 * 60}}}
	held := downloader.Snapshot{ID: "held", Name: "held.bin", State: downloader.StateQueued, Phase: downloader.PhaseWaitingSchedule, Size: -1, ETA: -1}
	running := downloader.Snapshot{ID: "run", Name: "run.bin", State: downloader.StateActive, Size: -1, ETA: -1, Position: 1}
	opens := time.Date(2026, 12, 1, 1, 0, 0, 0, time.Local)
	eng := &scheduledEngine{Engine: fakeengine.New(s, held, running),
		state: downloader.ScheduleState{Scheduled: true, Until: opens, Limit: 1 << 20}}
	u := newUI(a, eng, Options{})
	t.Cleanup(u.Close)
	u.Pump()
	if got, want := u.status.sched.Text, "Waiting for the schedule until Tuesday 01:00"; got != want {
		t.Errorf("status bar %q, want %q", got, want)
	}
	if got := u.status.limit.Text; got != "Speed limit: "+formatLimit(1<<20) {
		t.Errorf("status bar limit %q, want the scheduled one", got)
	}
	if it := u.startNowItem([]*downloader.Snapshot{&running}); it != nil {
		t.Error("Start now offered for a running task")
	}
	it := u.startNowItem([]*downloader.Snapshot{&held, &running})
	if it == nil {
		t.Fatal("no Start now for a task held by the schedule")
	}
	it.Action()
	if len(eng.startNow) != 1 || eng.startNow[0] != "held" {
		t.Errorf("StartNow called for %v, want [held]", eng.startNow)
	}
}
