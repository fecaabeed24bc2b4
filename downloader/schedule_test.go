package downloader

import (
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin on machines without a zone database
)

func berlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestWindowContains(t *testing.T) {
	loc := berlin(t)
	// 2026-11-30 is a Monday.
	at := func(day, h, m int) time.Time { return time.Date(2026, 11, 30+day, h, m, 0, 0, loc) }
	nights := Window{Days: EveryDay, Start: 22 * 60, End: 6 * 60}
	fridayNight := Window{Days: 1 << time.Friday, Start: 22 * 60, End: 6 * 60}
	early := Window{Days: Workdays, Start: 60, End: 7 * 60}
	weekend := Window{Days: Weekend, Start: 0, End: 0}
	tests := []struct {
		name string
		w    Window
		t    time.Time
		want bool
	}{
		{"weekday before start", early, at(0, 0, 59), false},
		{"weekday at start", early, at(0, 1, 0), true},
		{"weekday last minute", early, at(0, 6, 59), true},
		{"weekday at end", early, at(0, 7, 0), false},
		{"saturday not a workday", early, at(5, 2, 0), false},
		{"night before midnight", nights, at(0, 23, 0), true},
		{"night after midnight", nights, at(1, 5, 59), true},
		{"night ends", nights, at(1, 6, 0), false},
		{"midday outside night", nights, at(1, 12, 0), false},
		{"friday night runs into saturday", fridayNight, at(5, 3, 0), true},
		{"friday early morning belongs to thursday", fridayNight, at(4, 3, 0), false},
		{"friday late", fridayNight, at(4, 23, 0), true},
		{"whole saturday", weekend, at(5, 12, 0), true},
		{"sunday last minute", weekend, at(6, 23, 59), true},
		{"monday after weekend", weekend, at(7, 0, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.w.Contains(tt.t); got != tt.want {
				t.Errorf("%+v.Contains(%v) = %v, want %v", tt.w, tt.t, got, tt.want)
			}
		})
	}
}

func TestScheduleAllowsWeekdayNightsAndWeekends(t *testing.T) {
	loc := berlin(t)
	s := Schedule{Mode: ScheduleWindows, Windows: []Window{
		{Days: Workdays, Start: 60, End: 7 * 60},
		{Days: Weekend},
	}}
	at := func(day, h int) time.Time { return time.Date(2026, 11, 30+day, h, 0, 0, 0, loc) }
	for _, tt := range []struct {
		t    time.Time
		want bool
	}{
		{at(0, 3), true}, {at(0, 12), false}, {at(4, 23), false}, {at(5, 12), true}, {at(6, 23), true}, {at(7, 0), false},
	} {
		if got := s.Allows(tt.t); got != tt.want {
			t.Errorf("Allows(%v) = %v, want %v", tt.t, got, tt.want)
		}
	}
	from := time.Date(2026, 12, 1, 23, 0, 0, 0, loc)
	once := Schedule{Mode: ScheduleFrom, From: from}
	if once.Allows(from.Add(-time.Second)) || !once.Allows(from) || !once.Allows(from.Add(240*time.Hour)) {
		t.Error("a start time must hold the queue before it and run it from then on")
	}
}

func TestScheduleNextChange(t *testing.T) {
	loc := berlin(t)
	night := []Window{{Days: EveryDay, Start: 60, End: 7 * 60}}
	tests := []struct {
		name string
		s    Schedule
		now  time.Time
		want time.Time
	}{
		{"to the window past midnight", Schedule{Mode: ScheduleWindows, Windows: night},
			time.Date(2026, 11, 30, 23, 0, 0, 0, loc), time.Date(2026, 12, 1, 1, 0, 0, 0, loc)},
		{"strictly after a boundary", Schedule{Mode: ScheduleWindows, Windows: night},
			time.Date(2026, 11, 30, 1, 0, 0, 0, loc), time.Date(2026, 11, 30, 7, 0, 0, 0, loc)},
		// 02:30 does not exist on 2026-03-29 in Berlin: the clock jumps
		// from 02:00 CET to 03:00 CEST at 01:00 UTC.
		{"start inside the spring gap", Schedule{Mode: ScheduleWindows, Windows: []Window{{Days: EveryDay, Start: 150, End: 240}}},
			time.Date(2026, 3, 29, 1, 0, 0, 0, loc), time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC)},
		// On 2026-10-25 03:00 CEST becomes 02:00 CET at 01:00 UTC, so
		// 02:00–02:30 comes round a second time.
		{"window repeated in the autumn", Schedule{Mode: ScheduleWindows, Windows: []Window{{Days: EveryDay, Start: 120, End: 150}}},
			time.Date(2026, 10, 25, 0, 40, 0, 0, time.UTC).In(loc), time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC)},
		{"start time ahead", Schedule{Mode: ScheduleFrom, From: time.Date(2026, 12, 2, 3, 0, 0, 0, loc)},
			time.Date(2026, 11, 30, 12, 0, 0, 0, loc), time.Date(2026, 12, 2, 3, 0, 0, 0, loc)},
		{"start time passed", Schedule{Mode: ScheduleFrom, From: time.Date(2026, 11, 1, 3, 0, 0, 0, loc)},
			time.Date(2026, 11, 30, 12, 0, 0, 0, loc), time.Time{}},
		{"no schedule", Schedule{}, time.Date(2026, 11, 30, 12, 0, 0, 0, loc), time.Time{}},
		{"limit schedule alone", Schedule{Limits: []LimitWindow{{Window: Window{Days: Workdays, Start: 9 * 60, End: 18 * 60}, Limit: 1 << 20}}},
			time.Date(2026, 11, 28, 12, 0, 0, 0, loc), time.Date(2026, 11, 30, 9, 0, 0, 0, loc)}, // Saturday to Monday
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.s.NextChange(tt.now)
			if !got.Equal(tt.want) {
				t.Fatalf("NextChange(%v) = %v, want %v", tt.now, got, tt.want)
			}
		})
	}
}

// TestScheduleDSTNoMissedChange walks a week across each DST change a
// minute at a time and checks that Allows never changes between two
// instants NextChange named: the timer never misses a boundary.
func TestScheduleDSTNoMissedChange(t *testing.T) {
	loc := berlin(t)
	s := Schedule{Mode: ScheduleWindows, Windows: []Window{
		{Days: EveryDay, Start: 150, End: 240},
		{Days: Workdays, Start: 22 * 60, End: 2 * 60},
	}}
	for _, start := range []time.Time{
		time.Date(2026, 3, 26, 0, 0, 0, 0, loc),
		time.Date(2026, 10, 22, 0, 0, 0, 0, loc),
	} {
		now := start
		next := s.NextChange(now)
		for now.Before(start.AddDate(0, 0, 7)) {
			step := now.Add(time.Minute)
			if step.After(next) {
				step = next
			}
			if step.Before(next) && s.Allows(step) != s.Allows(now) {
				t.Fatalf("Allows changed at %v, but the next change was named as %v", step, next)
			}
			now = step
			if !now.Before(next) {
				next = s.NextChange(now)
				if next.IsZero() || !next.After(now) {
					t.Fatalf("NextChange(%v) = %v", now, next)
				}
			}
		}
	}
}

func TestEffectiveLimit(t *testing.T) {
	loc := berlin(t)
	s := Schedule{Limits: []LimitWindow{
		{Window: Window{Days: Workdays, Start: 9 * 60, End: 18 * 60}, Limit: 1 << 20},
		{Window: Window{Days: EveryDay, Start: 0, End: 0}, Limit: 0},
	}}
	office := time.Date(2026, 11, 30, 10, 0, 0, 0, loc)
	evening := time.Date(2026, 11, 30, 19, 0, 0, 0, loc)
	if got := EffectiveLimit(5<<20, s, office); got != 1<<20 {
		t.Errorf("office hours: %d, want %d", got, 1<<20)
	}
	if got := EffectiveLimit(5<<20, s, evening); got != 0 {
		t.Errorf("evening with an unlimited window: %d, want 0", got)
	}
	if got := EffectiveLimit(5<<20, Schedule{}, office); got != 5<<20 {
		t.Errorf("no schedule: %d, want the saved limit", got)
	}
}

func TestScheduleValidate(t *testing.T) {
	bad := []Schedule{
		{Mode: ScheduleWindows},
		{Mode: ScheduleFrom},
		{Mode: "sometimes"},
		{Mode: ScheduleWindows, Windows: []Window{{Days: 0, Start: 1, End: 2}}},
		{Mode: ScheduleWindows, Windows: []Window{{Days: EveryDay, Start: 1, End: 1441}}},
		{Limits: []LimitWindow{{Window: Window{Days: EveryDay}, Limit: -1}}},
	}
	for _, s := range bad {
		if err := s.validate(); err == nil {
			t.Errorf("%+v: no error", s)
		}
	}
	if err := (Schedule{Mode: ScheduleWindows, Windows: []Window{{Days: Weekend}}}).validate(); err != nil {
		t.Error(err)
	}
}
