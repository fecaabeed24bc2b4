package unattended

import (
	"context"
	"sync"
	"testing"
	"time"

	"haul/downloader"
	"haul/downloader/clock"
	"haul/unattended/fakelogind"
)

// fakeQueue is a Queue the test drives: it sets the counts, then sends
// the event.
type fakeQueue struct {
	mu     sync.Mutex
	stats  downloader.Stats
	list   []downloader.Snapshot // what List returns
	events chan downloader.Event
}

func (q *fakeQueue) List() []downloader.Snapshot {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.list
}

func (q *fakeQueue) Subscribe() (<-chan downloader.Event, func()) { return q.events, func() {} }

func (q *fakeQueue) Stats() downloader.Stats {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.stats
}

// set changes the counts and announces a task in state with error kind.
func (q *fakeQueue) set(st downloader.Stats, id string, state downloader.State, kind downloader.ErrorKind) {
	q.mu.Lock()
	q.stats = st
	q.mu.Unlock()
	s := downloader.Snapshot{ID: id, State: state, ErrorKind: kind}
	if kind != "" {
		s.Error = "went wrong"
	}
	q.events <- downloader.Event{Kind: downloader.EventChanged, Task: s}
}

// fakeCountdown records what was shown and lets the test press Cancel.
type fakeCountdown struct {
	shown  chan shownCountdown
	hidden chan Action
}

type shownCountdown struct {
	action   Action
	deadline time.Time
	cancel   func()
}

func (c *fakeCountdown) Show(a Action, deadline time.Time) (<-chan struct{}, func()) {
	canceled := make(chan struct{})
	var once sync.Once
	c.shown <- shownCountdown{a, deadline, func() { once.Do(func() { close(canceled) }) }}
	return canceled, func() { c.hidden <- a }
}

type whenDoneRig struct {
	q      *fakeQueue
	cd     *fakeCountdown
	clk    *clock.Manual
	logind *fakelogind.Logind
	w      *WhenDone
	quit   chan struct{}
}

func newWhenDoneRig(t *testing.T, a Action, before ...downloader.Snapshot) *whenDoneRig {
	addr := fakelogind.StartBus(t)
	t.Setenv("DBUS_SYSTEM_BUS_ADDRESS", addr)
	r := &whenDoneRig{
		q:      &fakeQueue{events: make(chan downloader.Event), list: before},
		cd:     &fakeCountdown{shown: make(chan shownCountdown, 4), hidden: make(chan Action, 4)},
		clk:    clock.NewManual(time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC)),
		logind: fakelogind.Start(t, addr),
		quit:   make(chan struct{}, 1),
	}
	ld := &Logind{}
	t.Cleanup(func() { ld.Close() })
	r.w = &WhenDone{Queue: r.q, Power: ld, Countdown: r.cd, Clock: r.clk, Logf: t.Logf,
		Quit: func() { r.quit <- struct{}{} }}
	r.w.SetAction(a)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.w.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return r
}

func (r *whenDoneRig) waitShown(t *testing.T) shownCountdown {
	t.Helper()
	select {
	case s := <-r.cd.shown:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("no countdown shown")
	}
	return shownCountdown{}
}

// noCountdown fails if a countdown was shown by now.
func (r *whenDoneRig) noCountdown(t *testing.T, why string) {
	t.Helper()
	r.sync()
	select {
	case s := <-r.cd.shown:
		t.Fatalf("countdown %v shown %s", s.action, why)
	default:
	}
}

// sync makes sure the watcher handled every event sent so far: it
// answers the next send only after the last one.
func (r *whenDoneRig) sync() {
	r.q.events <- downloader.Event{Kind: downloader.EventProgress}
}

func TestWhenDoneActsAfterCountdown(t *testing.T) {
	for _, tt := range []struct {
		action Action
		method string
	}{{ActionSleep, "Suspend"}, {ActionShutdown, "PowerOff"}} {
		t.Run(string(tt.action), func(t *testing.T) {
			r := newWhenDoneRig(t, tt.action)
			r.q.set(downloader.Stats{Active: 1}, "a", downloader.StateActive, "")
			r.q.set(downloader.Stats{Completed: 1}, "a", downloader.StateCompleted, "")
			s := r.waitShown(t)
			if s.action != tt.action || !s.deadline.Equal(r.clk.Now().Add(DefaultCountdown)) {
				t.Fatalf("countdown %v until %v, want %v in 60 s", s.action, s.deadline, tt.action)
			}
			r.clk.Advance(DefaultCountdown - time.Second)
			r.sync()
			if c := r.logind.Calls(); len(c) != 0 {
				t.Fatalf("logind called before the countdown ended: %v", c)
			}
			r.clk.Advance(time.Second)
			c := r.logind.WaitCalls(t, 1, 10*time.Second)
			if c[0].Method != tt.method || c[0].Args[0] != true {
				t.Fatalf("logind got %v, want %s(interactive=true)", c[0], tt.method)
			}
			// Nothing more happens without new work.
			r.clk.Advance(time.Hour)
			r.sync()
			if n := len(r.logind.Calls()); n != 1 {
				t.Errorf("%d logind calls, want 1", n)
			}
		})
	}
}

func TestWhenDoneCancelStopsIt(t *testing.T) {
	r := newWhenDoneRig(t, ActionShutdown)
	r.q.set(downloader.Stats{Active: 1}, "a", downloader.StateActive, "")
	r.q.set(downloader.Stats{Completed: 1}, "a", downloader.StateCompleted, "")
	r.waitShown(t).cancel()
	select {
	case <-r.cd.hidden:
	case <-time.After(10 * time.Second):
		t.Fatal("the countdown was not hidden after Cancel")
	}
	r.clk.Advance(10 * time.Minute)
	r.sync()
	if c := r.logind.Calls(); len(c) != 0 {
		t.Fatalf("logind called after Cancel: %v", c)
	}
}

func TestWhenDoneNeverAfterFailure(t *testing.T) {
	r := newWhenDoneRig(t, ActionSleep)
	r.q.set(downloader.Stats{Active: 2}, "a", downloader.StateActive, "")
	r.q.set(downloader.Stats{Active: 2}, "b", downloader.StateActive, "")
	r.q.set(downloader.Stats{Active: 1, Failed: 1}, "a", downloader.StateFailed, downloader.KindNotFound)
	r.q.set(downloader.Stats{Completed: 1, Failed: 1}, "b", downloader.StateCompleted, "")
	r.clk.Advance(10 * time.Minute)
	r.noCountdown(t, "while a task failed")
	// Work held by the schedule is work left.
	r.q.set(downloader.Stats{Queued: 1, Completed: 1}, "a", downloader.StateQueued, "")
	r.clk.Advance(10 * time.Minute)
	r.noCountdown(t, "while a task waits for the schedule")
	// The failed task retried and finished: now all is done.
	r.q.set(downloader.Stats{Active: 1, Completed: 1}, "a", downloader.StateActive, "")
	r.q.set(downloader.Stats{Completed: 2}, "a", downloader.StateCompleted, "")
	r.waitShown(t)
	if c := r.logind.Calls(); len(c) != 0 {
		t.Fatalf("logind called before the countdown: %v", c)
	}
}

func TestWhenDoneQuitAtOnceAndNoneDoesNothing(t *testing.T) {
	r := newWhenDoneRig(t, ActionNone)
	r.q.set(downloader.Stats{Active: 1}, "a", downloader.StateActive, "")
	r.q.set(downloader.Stats{Completed: 1}, "a", downloader.StateCompleted, "")
	r.sync()
	select {
	case <-r.quit:
		t.Fatal("quit with no action chosen")
	case s := <-r.cd.shown:
		t.Fatalf("countdown %v with no action chosen", s.action)
	default:
	}
	r.w.SetAction(ActionQuit)
	select {
	case <-r.quit:
	case <-time.After(10 * time.Second):
		t.Fatal("did not quit")
	}
	if c := r.logind.Calls(); len(c) != 0 {
		t.Fatalf("logind called for quit: %v", c)
	}
}

func TestParseAction(t *testing.T) {
	for in, want := range map[string]Action{"quit": ActionQuit, "sleep": ActionSleep, "shutdown": ActionShutdown, "none": ActionNone, "": ActionNone} {
		if got, err := ParseAction(in); err != nil || got != want {
			t.Errorf("ParseAction(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseAction("reboot"); err == nil {
		t.Error("ParseAction(reboot): no error")
	}
}

// TestWhenDoneSeesWorkFinishedBeforeItStarted: a download that finished
// (or failed) in this process before the watcher subscribed still
// counts; one from an earlier run does not.
func TestWhenDoneSeesWorkFinishedBeforeItStarted(t *testing.T) {
	ran := time.Now()
	r := newWhenDoneRig(t, ActionSleep,
		downloader.Snapshot{ID: "old", State: downloader.StateFailed, ErrorKind: downloader.KindNotFound},
		downloader.Snapshot{ID: "a", State: downloader.StateCompleted, Started: ran})
	if s := r.waitShown(t); s.action != ActionSleep {
		t.Fatalf("countdown for %v", s.action)
	}

	r = newWhenDoneRig(t, ActionSleep,
		downloader.Snapshot{ID: "a", State: downloader.StateCompleted, Started: ran},
		downloader.Snapshot{ID: "b", State: downloader.StateFailed, ErrorKind: downloader.KindServer, Started: ran})
	r.noCountdown(t, "although a task failed in this run")

	r = newWhenDoneRig(t, ActionSleep, downloader.Snapshot{ID: "old", State: downloader.StateCompleted})
	r.noCountdown(t, "for a download finished in an earlier run")
}
