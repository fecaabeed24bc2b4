package downloader

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"haul/downloader/clock"
	"haul/downloader/testserver"
)

// scheduledManager opens a manager whose settings carry sched, on a
// clock set to now.
func scheduledManager(t *testing.T, dir string, sched Schedule, now time.Time, limit int64) (*Manager, *clock.Manual) {
	t.Helper()
	st := newMemStore()
	s := DefaultSettings(dir)
	s.Schedule = sched
	s.GlobalLimit = limit
	st.settings = &s
	clk := clock.NewManual(now)
	m := openTest(t, st, dir, func(c *Config) { c.Clock = clk })
	return m, clk
}

// waitStatePhase waits until task id shows state and phase.
func waitStatePhase(t *testing.T, m *Manager, id string, state State, phase Phase) {
	t.Helper()
	events, stop := m.Subscribe()
	defer stop()
	deadline := time.After(10 * time.Second)
	for {
		s, err := m.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		if s.State == state && s.Phase == phase {
			return
		}
		select {
		case <-events:
		case <-deadline:
			t.Fatalf("task is %s/%q, want %s/%q", s.State, s.Phase, state, phase)
		}
	}
}

func TestScheduleHoldsQueueUntilWindow(t *testing.T) {
	loc := berlin(t)
	f := testserver.File{Size: 256 << 10, Seed: 3}
	srv := testserver.New(testserver.WithFile("/f.bin", f))
	defer srv.Close()
	dir := t.TempDir()
	night := Schedule{Mode: ScheduleWindows, Windows: []Window{{Days: EveryDay, Start: 60, End: 7 * 60}}}
	m, clock := scheduledManager(t, dir, night, time.Date(2026, 11, 30, 23, 0, 0, 0, loc), 0)
	ids, err := m.Add(context.Background(), Request{URL: srv.URL("/f.bin")})
	if err != nil {
		t.Fatal(err)
	}
	waitStatePhase(t, m, ids[0], StateQueued, PhaseWaitingSchedule)
	if st := m.ScheduleState(); st.Open || !st.Next.Equal(time.Date(2026, 12, 1, 1, 0, 0, 0, loc)) {
		t.Fatalf("schedule state %+v, want closed until 01:00", st)
	}
	if n := srv.Stats().Requests; n != 0 {
		t.Fatalf("%d requests while the schedule is closed", n)
	}
	// Midnight passes; the window opens at 01:00.
	clock.Advance(119 * time.Minute)
	waitStatePhase(t, m, ids[0], StateQueued, PhaseWaitingSchedule)
	clock.Advance(time.Minute)
	waitComplete(t, m, ids[0], filepath.Join(dir, "f.bin"), f)
}

func TestScheduleStartNowAnyway(t *testing.T) {
	loc := berlin(t)
	f := testserver.File{Size: 64 << 10, Seed: 4}
	srv := testserver.New(testserver.WithFile("/f.bin", f))
	defer srv.Close()
	dir := t.TempDir()
	later := Schedule{Mode: ScheduleFrom, From: time.Date(2026, 12, 24, 0, 0, 0, 0, loc)}
	m, _ := scheduledManager(t, dir, later, time.Date(2026, 11, 30, 12, 0, 0, 0, loc), 0)
	ids, err := m.Add(context.Background(), Request{URL: srv.URL("/f.bin")}, Request{URL: srv.URL("/f.bin"), Name: "other.bin"})
	if err != nil {
		t.Fatal(err)
	}
	waitStatePhase(t, m, ids[0], StateQueued, PhaseWaitingSchedule)
	if err := m.StartNow(ids[0]); err != nil {
		t.Fatal(err)
	}
	if s := waitState(t, m, ids[0], 30*time.Second, StateCompleted, StateFailed); s.State != StateCompleted || !s.StartNow {
		t.Fatalf("state %s start-now %v: %s", s.State, s.StartNow, s.Error)
	}
	// The other task still waits for its time.
	waitStatePhase(t, m, ids[1], StateQueued, PhaseWaitingSchedule)
	if err := m.StartNow("nope"); err == nil {
		t.Error("StartNow of an unknown task: no error")
	}
}

func TestScheduleClosingRequeuesRunningTask(t *testing.T) {
	loc := berlin(t)
	f := testserver.File{Size: 4 << 20, Seed: 5}
	srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(256<<10))
	defer srv.Close()
	dir := t.TempDir()
	night := Schedule{Mode: ScheduleWindows, Windows: []Window{{Days: EveryDay, Start: 22 * 60, End: 6 * 60}}}
	m, clock := scheduledManager(t, dir, night, time.Date(2026, 11, 30, 5, 0, 0, 0, loc), 0)
	ids, err := m.Add(context.Background(), Request{URL: srv.URL("/f.bin"), Options: Options{Connections: 1}})
	if err != nil {
		t.Fatal(err)
	}
	flow, stopFlow := m.WatchFlow()
	defer stopFlow()
	waitFlow(t, flow, true)
	clock.Advance(time.Hour) // 06:00: the window closes
	waitStatePhase(t, m, ids[0], StateQueued, PhaseWaitingSchedule)
	s, _ := m.Get(ids[0])
	if s.Done == 0 || s.Done >= f.Size {
		t.Fatalf("done %d of %d: want the partial progress kept", s.Done, f.Size)
	}
	waitFlow(t, flow, false)
	// The next evening it continues where it stopped.
	srv.Set(testserver.WithPerConnRate(0))
	clock.Advance(16 * time.Hour)
	waitComplete(t, m, ids[0], filepath.Join(dir, "f.bin"), f)
}

func TestScheduleLimitFollowsClock(t *testing.T) {
	loc := berlin(t)
	office := Schedule{Limits: []LimitWindow{{Window: Window{Days: Workdays, Start: 9 * 60, End: 18 * 60}, Limit: 1 << 20}}}
	m, clock := scheduledManager(t, t.TempDir(), office, time.Date(2026, 11, 30, 8, 0, 0, 0, loc), 8<<20)
	check := func(want int64) {
		t.Helper()
		st := m.ScheduleState()
		if st.Limit != want || int64(m.global.Limit()) != want || !st.Open {
			t.Fatalf("at %v: limit %d (limiter %v), open %v; want %d", clock.Now(), st.Limit, m.global.Limit(), st.Open, want)
		}
	}
	check(8 << 20)
	clock.Advance(time.Hour) // 09:00
	check(1 << 20)
	clock.Advance(9 * time.Hour) // 18:00
	check(8 << 20)
	// Saving a new limit keeps the scheduled one in force during its hours.
	clock.Advance(15 * time.Hour) // Tuesday 09:00
	s := m.Settings()
	s.GlobalLimit = 2 << 20
	if err := m.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	check(1 << 20)
	s.Schedule = Schedule{}
	if err := m.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	check(2 << 20)
	if clock.Armed() != 0 {
		t.Errorf("%d timers armed without a schedule", clock.Armed())
	}
}

func waitFlow(t *testing.T, ch <-chan bool, want bool) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case got, ok := <-ch:
			if !ok {
				t.Fatal("flow channel closed")
			}
			if got == want {
				return
			}
		case <-deadline:
			t.Fatalf("flow never became %v", want)
		}
	}
}

func TestScheduleStateUntil(t *testing.T) {
	loc := berlin(t)
	night := Schedule{Mode: ScheduleWindows, Windows: []Window{{Days: EveryDay, Start: 60, End: 7 * 60}},
		Limits: []LimitWindow{{Window: Window{Days: EveryDay, Start: 18 * 60, End: 19 * 60}, Limit: 1 << 20}}}
	m, clock := scheduledManager(t, t.TempDir(), night, time.Date(2026, 11, 30, 17, 0, 0, 0, loc), 0)
	if st := m.ScheduleState(); st.Open || !st.Until.Equal(time.Date(2026, 12, 1, 1, 0, 0, 0, loc)) {
		t.Fatalf("at 17:00: %+v, want closed until 01:00 (not the limit's 18:00)", st)
	}
	clock.Advance(9 * time.Hour) // 02:00
	if st := m.ScheduleState(); !st.Open || !st.Until.Equal(time.Date(2026, 12, 1, 7, 0, 0, 0, loc)) {
		t.Fatalf("at 02:00: %+v, want open until 07:00", st)
	}
}

// TestScheduleDoesNotHoldCommandLine: `haul get` (Config.Hold) runs what
// its user asked for now, whatever the window's schedule says.
func TestScheduleDoesNotHoldCommandLine(t *testing.T) {
	loc := berlin(t)
	f := testserver.File{Size: 64 << 10, Seed: 8}
	srv := testserver.New(testserver.WithFile("/f.bin", f))
	defer srv.Close()
	dir := t.TempDir()
	st := newMemStore()
	s := DefaultSettings(dir)
	s.Schedule = Schedule{Mode: ScheduleFrom, From: time.Date(2027, 1, 1, 0, 0, 0, 0, loc)}
	st.settings = &s
	m := openTest(t, st, dir, func(c *Config) {
		c.Hold = true
		c.Clock = clock.NewManual(time.Date(2026, 11, 30, 12, 0, 0, 0, loc))
	})
	ids, err := m.Add(context.Background(), Request{URL: srv.URL("/f.bin")})
	if err != nil {
		t.Fatal(err)
	}
	if s := waitState(t, m, ids[0], 30*time.Second, StateCompleted, StateFailed); s.State != StateCompleted {
		t.Fatalf("state %s: %s", s.State, s.Error)
	}
}

// TestScheduleLimitAcrossDSTChange: on the night Berlin skips 02:00–03:00,
// a limit for 02:30–03:30 starts the instant the clock jumps to 03:00
// and ends at 03:30, half an hour of real time later.
func TestScheduleLimitAcrossDSTChange(t *testing.T) {
	loc := berlin(t)
	night := Schedule{Limits: []LimitWindow{{Window: Window{Days: EveryDay, Start: 150, End: 210}, Limit: 512 << 10}}}
	jump := time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC) // 02:00 CET becomes 03:00 CEST
	m, clock := scheduledManager(t, t.TempDir(), night, jump.Add(-time.Hour).In(loc), 4<<20)
	check := func(want int64) {
		t.Helper()
		if got := m.ScheduleState().Limit; got != want || int64(m.global.Limit()) != want {
			t.Fatalf("at %v: limit %d (limiter %v), want %d", clock.Now(), got, m.global.Limit(), want)
		}
	}
	check(4 << 20)
	clock.Set(jump.Add(-time.Second).In(loc))
	check(4 << 20)
	clock.Set(jump.In(loc))
	check(512 << 10)
	clock.Set(jump.Add(29 * time.Minute).In(loc))
	check(512 << 10)
	clock.Set(jump.Add(30 * time.Minute).In(loc))
	check(4 << 20)
}

// waitComplete waits for task id to complete and checks its file.
func waitComplete(t *testing.T, m *Manager, id, path string, f testserver.File) {
	t.Helper()
	if s := waitState(t, m, id, 60*time.Second, StateCompleted, StateFailed); s.State != StateCompleted {
		t.Fatalf("state %s: %s", s.State, s.Error)
	}
	if got := fileSHA(t, path); got != f.SHA256() {
		t.Fatal("sha mismatch")
	}
}
