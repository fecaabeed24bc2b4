package downloader

import (
	"context"
	"errors"
	"testing"
	"time"

	"haul/downloader/testserver"
)

// TestWait: Wait returns the stopped task's snapshot for each way a task
// stops, and the documented error for each way it cannot.
func TestWait(t *testing.T) {
	srv := testserver.New(
		testserver.WithFile("/ok.bin", testserver.File{Size: 200_000, Seed: 3}),
		testserver.WithFile("/slow.bin", testserver.File{Size: 1 << 20, Seed: 4}),
		testserver.WithStall(1000, time.Hour))
	defer srv.Close()
	ok := testserver.New(testserver.WithFile("/ok.bin", testserver.File{Size: 200_000, Seed: 3}))
	defer ok.Close()
	tests := []struct {
		name    string
		url     string
		act     func(m *Manager, id string) // while Wait blocks
		ctx     func() (context.Context, context.CancelFunc)
		state   State
		wantErr error
	}{
		{name: "completes", url: ok.URL("/ok.bin"), state: StateCompleted},
		{name: "fails", url: ok.URL("/missing"), state: StateFailed},
		{name: "paused", url: srv.URL("/slow.bin"), act: func(m *Manager, id string) { m.Pause(id) }, state: StatePaused},
		{name: "removed", url: srv.URL("/slow.bin"), act: func(m *Manager, id string) { m.Remove(id, true) }, wantErr: ErrNotFound},
		{name: "manager closes", url: srv.URL("/slow.bin"), act: func(m *Manager, id string) { m.Close() }, wantErr: ErrClosed},
		{name: "context ends", url: srv.URL("/slow.bin"), ctx: func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 50*time.Millisecond)
		}, wantErr: context.DeadlineExceeded},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := openTest(t, newMemStore(), t.TempDir(), nil)
			ids, err := m.Add(context.Background(), Request{URL: tc.url})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			if tc.ctx != nil {
				cancel()
				ctx, cancel = tc.ctx()
			}
			defer cancel()
			if tc.act != nil {
				waitState(t, m, ids[0], 10*time.Second, StateActive)
				go tc.act(m, ids[0])
			}
			s, err := m.Wait(ctx, ids[0])
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Wait = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil || s.State != tc.state || s.ID != ids[0] {
				t.Fatalf("Wait = %s %v (%s), want %s", s.State, err, s.Error, tc.state)
			}
		})
	}
	t.Run("unknown task", func(t *testing.T) {
		m := openTest(t, newMemStore(), t.TempDir(), nil)
		if _, err := m.Wait(context.Background(), "nope"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Wait(unknown) = %v, want ErrNotFound", err)
		}
	})
}

// TestSettingsEvent: every change of the settings in force — a save, a
// session override, keeping the overrides — reaches subscribers as
// EventSettings, and Settings then reads the new values.
func TestSettingsEvent(t *testing.T) {
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	events, stop := m.Subscribe()
	defer stop()
	next := func(what string) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case ev := <-events:
				if ev.Kind == EventSettings {
					if ev.Task.ID != "" {
						t.Fatalf("%s: EventSettings carries task %q", what, ev.Task.ID)
					}
					return
				}
			case <-deadline:
				t.Fatalf("%s: no EventSettings", what)
			}
		}
	}
	folder := t.TempDir()
	steps := []struct {
		name  string
		do    func() error
		check func(Settings) bool
	}{
		{"saved", func() error { s := m.Settings(); s.GlobalLimit = 1 << 20; return m.SetSettings(s) },
			func(s Settings) bool { return s.GlobalLimit == 1<<20 }},
		{"session", func() error { s := m.Settings(); s.Folder = folder; return m.SetSessionSettings(s) },
			func(s Settings) bool { return s.Folder == folder }},
		{"kept", m.KeepSessionSettings,
			func(s Settings) bool { return s.Folder == folder && len(m.SessionOverrides()) == 0 }},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		next(st.name)
		if !st.check(m.Settings()) {
			t.Fatalf("%s: settings after the event: %+v", st.name, m.Settings())
		}
	}
}

// TestScheduleLimitChangeAnnounced: when an hour of the schedule begins
// and the limit in force changes, with no task to announce anything,
// subscribers still get EventSettings and ScheduleState has the new
// limit.
func TestScheduleLimitChangeAnnounced(t *testing.T) {
	loc := berlin(t)
	office := Schedule{Limits: []LimitWindow{{Window: Window{Days: Workdays, Start: 9 * 60, End: 18 * 60}, Limit: 1 << 20}}}
	m, clk := scheduledManager(t, t.TempDir(), office, time.Date(2026, 11, 30, 8, 0, 0, 0, loc), 8<<20)
	events, stop := m.Subscribe()
	defer stop()
	clk.Advance(time.Hour) // 09:00
	select {
	case ev := <-events:
		if ev.Kind != EventSettings {
			t.Fatalf("event %v, want EventSettings", ev.Kind)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no EventSettings when the scheduled limit began")
	}
	if got := m.ScheduleState().Limit; got != 1<<20 {
		t.Fatalf("limit in force %d, want %d", got, 1<<20)
	}
}
