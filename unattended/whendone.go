package unattended

import (
	"context"
	"fmt"
	"sync"
	"time"

	"haul/downloader"
	"haul/downloader/clock"
)

// Action is what Haul does when all downloads finish.
type Action string

const (
	ActionNone     Action = ""
	ActionQuit     Action = "quit"
	ActionSleep    Action = "sleep"
	ActionShutdown Action = "shutdown"
)

// Actions lists every action in menu order.
var Actions = []Action{ActionNone, ActionQuit, ActionSleep, ActionShutdown}

// ParseAction reads "quit", "sleep", "shutdown" or "none"/"".
func ParseAction(s string) (Action, error) {
	switch a := Action(s); a {
	case ActionQuit, ActionSleep, ActionShutdown:
		return a, nil
	case ActionNone, "none":
		return ActionNone, nil
	}
	return ActionNone, fmt.Errorf("unknown when-done action %q (quit, sleep, shutdown or none)", s)
}

// DefaultCountdown is how long the user has to cancel a sleep or a
// shutdown.
const DefaultCountdown = 60 * time.Second

// Queue is what WhenDone reads from the engine.
type Queue interface {
	Subscribe() (<-chan downloader.Event, func())
	Stats() downloader.Stats
	List() []downloader.Snapshot
}

// Countdown tells the user that a is due at deadline and offers Cancel.
type Countdown interface {
	// Show starts showing the countdown. canceled is closed if the user
	// cancels; hide takes the countdown away and is called once.
	Show(a Action, deadline time.Time) (canceled <-chan struct{}, hide func())
}

// WhenDone acts once every download has finished: it quits Haul at once,
// or counts down and then sleeps or shuts the computer down. It never
// acts while a task that failed (or paused on an error) in this run is
// left unresolved, while anything is queued (tasks waiting for the
// schedule included), or before anything ran in this run.
type WhenDone struct {
	Queue     Queue
	Power     Power
	Countdown Countdown
	// Quit ends Haul; it must not block on Run.
	Quit func()
	// Clock times the countdown; nil means the system clock.
	Clock clock.Clock
	// Delay is the countdown; 0 means DefaultCountdown.
	Delay time.Duration
	// Logf reports failed actions; nil discards.
	Logf func(format string, args ...any)

	mu     sync.Mutex
	action Action
	poke   chan struct{}
}

// SetAction changes the action for the rest of this run.
func (w *WhenDone) SetAction(a Action) {
	w.mu.Lock()
	w.action = a
	poke := w.poke
	w.mu.Unlock()
	if poke != nil {
		select {
		case poke <- struct{}{}:
		default:
		}
	}
}

// Action is the action in force.
func (w *WhenDone) Action() Action {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.action
}

// doneState follows the queue through its events.
type doneState struct {
	armed    bool                // something ran or waited in this run
	troubled map[string]struct{} // failed or paused on an error, not yet resolved
}

func (d *doneState) see(s downloader.Snapshot, kind downloader.EventKind) {
	if kind == downloader.EventProgress || kind == downloader.EventSettings {
		return
	}
	delete(d.troubled, s.ID)
	if kind == downloader.EventRemoved {
		return
	}
	// Started is set only for a task that ran in this process.
	if s.State == downloader.StateActive || s.State == downloader.StateQueued || !s.Started.IsZero() {
		d.armed = true
	}
	if s.State == downloader.StateFailed && s.ErrorKind != downloader.KindCanceled ||
		s.State == downloader.StatePaused && s.Error != "" {
		d.troubled[s.ID] = struct{}{}
	}
}

// Run watches the queue until ctx ends. Call it once, in a goroutine the
// caller owns.
func (w *WhenDone) Run(ctx context.Context) {
	clk := w.Clock
	if clk == nil {
		clk = clock.System{}
	}
	delay := w.Delay
	if delay <= 0 {
		delay = DefaultCountdown
	}
	w.mu.Lock()
	w.poke = make(chan struct{}, 1)
	poke := w.poke
	w.mu.Unlock()
	events, stop := w.Queue.Subscribe()
	defer stop()
	d := &doneState{troubled: map[string]struct{}{}}
	if st := w.Queue.Stats(); st.Active+st.Queued > 0 {
		d.armed = true
	}
	// Tasks that ran (and maybe finished or failed) before Run
	// subscribed count as this run's; older ones do not.
	for _, s := range w.Queue.List() {
		if !s.Started.IsZero() {
			d.see(s, downloader.EventChanged)
		}
	}
	var cd *countdown
	defer func() { cd.stop() }()
	for {
		idle := w.idle(d)
		switch {
		case cd != nil && (!idle || w.Action() != cd.action):
			cd.stop() // work came back, or the user chose otherwise
			cd = nil
		case cd == nil && idle:
			a := w.Action()
			if a == ActionQuit {
				w.Quit()
				return
			}
			cd = w.startCountdown(clk, a, delay)
		}
		var canceled, fire <-chan struct{}
		if cd != nil {
			canceled, fire = cd.canceled, cd.fire
		}
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				return
			}
			d.see(ev.Task, ev.Kind)
		case <-poke:
		case <-canceled:
			cd.stop()
			cd = nil
			d.armed = false // asked again only after new work finishes
		case <-fire:
			a := cd.action
			cd.stop()
			cd = nil
			d.armed = false // after waking up, act only on new work
			w.act(ctx, a)
		}
	}
}

// idle reports whether every download has finished well.
func (w *WhenDone) idle(d *doneState) bool {
	if !d.armed || len(d.troubled) > 0 || w.Action() == ActionNone {
		return false
	}
	st := w.Queue.Stats()
	return st.Active == 0 && st.Queued == 0
}

func (w *WhenDone) act(ctx context.Context, a Action) {
	var err error
	switch a {
	case ActionSleep:
		err = w.Power.Suspend(ctx)
	case ActionShutdown:
		err = w.Power.PowerOff(ctx)
	}
	if err != nil && w.Logf != nil {
		w.Logf("when done: %s: %v", a, err)
	}
}

// countdown is one shown countdown and its timer.
type countdown struct {
	action   Action
	canceled <-chan struct{}
	fire     chan struct{}
	hide     func()
	timer    clock.Timer
}

func (w *WhenDone) startCountdown(clk clock.Clock, a Action, delay time.Duration) *countdown {
	c := &countdown{action: a, fire: make(chan struct{})}
	deadline := clk.Now().Add(delay)
	var once sync.Once
	// Armed before it is shown: whoever sees the countdown may already
	// count on the timer.
	c.timer = clk.AfterFunc(delay, func() { once.Do(func() { close(c.fire) }) })
	c.canceled, c.hide = w.Countdown.Show(a, deadline)
	return c
}

func (c *countdown) stop() {
	if c == nil {
		return
	}
	c.timer.Stop()
	c.hide()
}
