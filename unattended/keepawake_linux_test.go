package unattended

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"haul/downloader"
	"haul/downloader/store"
	"haul/downloader/testserver"
	"haul/unattended/fakelogind"
)

// heldInhibitor tells the test when a hold was taken, so the fake can
// drop its own copy of the descriptor after the reply arrived.
type heldInhibitor struct {
	Inhibitor
	held chan struct{}
}

func (h heldInhibitor) Inhibit(ctx context.Context) (func() error, error) {
	r, err := h.Inhibitor.Inhibit(ctx)
	if err == nil {
		h.held <- struct{}{}
	}
	return r, err
}

// TestKeepAwakeHoldsLogindWhileBytesFlow runs a real download with the
// system bus pointed at a private bus with a fake logind: the inhibitor
// is taken when bytes flow and its descriptor closed soon after the last.
func TestKeepAwakeHoldsLogindWhileBytesFlow(t *testing.T) {
	addr := fakelogind.StartBus(t)
	t.Setenv("DBUS_SYSTEM_BUS_ADDRESS", addr)
	fake := fakelogind.Start(t, addr)

	f := testserver.File{Size: 1 << 20, Seed: 9}
	srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(512<<10))
	defer srv.Close()
	dir := t.TempDir()
	db, err := store.Open(dir+"/haul.db", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := downloader.Open(context.Background(), downloader.Config{Store: db, DefaultFolder: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	ld := &Logind{}
	defer ld.Close()
	inh := heldInhibitor{Inhibitor: ld, held: make(chan struct{}, 1)}
	flow, stopFlow := m.WatchFlow()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	ka := &KeepAwake{Inhibitor: inh, Logf: t.Logf}
	go func() { defer wg.Done(); ka.Run(ctx, flow) }()
	defer func() { cancel(); stopFlow(); wg.Wait() }()

	if len(fake.Calls()) != 0 {
		t.Fatal("inhibited before anything was queued")
	}
	ids, err := m.Add(context.Background(), downloader.Request{URL: srv.URL("/f.bin"), Options: downloader.Options{Connections: 1}})
	if err != nil {
		t.Fatal(err)
	}
	calls := fake.WaitCalls(t, 1, 20*time.Second)
	if calls[0].Method != "Inhibit" || !slices.Equal(fake.Locks()[0].Args, []string{"sleep:idle", "Haul", "Downloading", "block"}) {
		t.Fatalf("first call %v", calls[0])
	}
	select {
	case <-inh.held:
	case <-time.After(10 * time.Second):
		t.Fatal("Inhibit never returned")
	}
	lock := fake.Locks()[0]
	lock.DropOwn()
	events, stop := m.Subscribe()
	defer stop()
	var finished time.Time
	for finished.IsZero() {
		select {
		case ev := <-events:
			if ev.Task.ID == ids[0] && ev.Task.State == downloader.StateCompleted {
				finished = time.Now()
			}
		case <-time.After(30 * time.Second):
			t.Fatal("download did not finish")
		}
		if finished.IsZero() && !lock.Held() {
			t.Fatal("the inhibitor was released while bytes were flowing")
		}
	}
	select {
	case <-lock.Released:
		t.Logf("inhibitor released %v after the download finished", time.Since(finished).Round(10*time.Millisecond))
	case <-time.After(15 * time.Second):
		t.Fatal("the inhibitor's descriptor is still open 15 s after the last byte")
	}
	if n := len(fake.Calls()); n != 1 {
		t.Errorf("%d logind calls, want the one Inhibit", n)
	}
}

// countingInhibitor counts holds and releases.
type countingInhibitor struct {
	mu             sync.Mutex
	taken, dropped int
	changed        chan struct{}
}

func (c *countingInhibitor) Inhibit(context.Context) (func() error, error) {
	c.mu.Lock()
	c.taken++
	c.mu.Unlock()
	c.changed <- struct{}{}
	return func() error {
		c.mu.Lock()
		c.dropped++
		c.mu.Unlock()
		c.changed <- struct{}{}
		return nil
	}, nil
}

func TestKeepAwakeSetting(t *testing.T) {
	inh := &countingInhibitor{changed: make(chan struct{}, 8)}
	ka := &KeepAwake{Inhibitor: inh}
	flow := make(chan bool)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); ka.Run(ctx, flow) }()
	wait := func(taken, dropped int) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			inh.mu.Lock()
			tk, dr := inh.taken, inh.dropped
			inh.mu.Unlock()
			if tk == taken && dr == dropped {
				return
			}
			select {
			case <-inh.changed:
			case <-deadline:
				t.Fatalf("taken %d dropped %d, want %d and %d", tk, dr, taken, dropped)
			}
		}
	}
	flow <- true
	wait(1, 0)
	ka.SetEnabled(false) // the user turned it off: released while bytes flow
	wait(1, 1)
	flow <- true
	ka.SetEnabled(true)
	wait(2, 1)
	flow <- false
	wait(2, 2)
	flow <- true
	wait(3, 2)
	cancel() // quitting releases too
	<-done
	wait(3, 3)
}

// TestKeepAwakeWithoutLogind: with no system bus, downloads go on and the
// failure is reported once, not on every start of the flow.
func TestKeepAwakeWithoutLogind(t *testing.T) {
	t.Setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path="+t.TempDir()+"/none")
	var mu sync.Mutex
	var logged []string
	ld := &Logind{}
	defer ld.Close()
	ka := &KeepAwake{Inhibitor: ld, Logf: func(f string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		logged = append(logged, f)
	}}
	flow := make(chan bool)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); ka.Run(ctx, flow) }()
	for _, f := range []bool{true, false, true, false, true} {
		flow <- f
	}
	flow <- false // handled only after the last true was
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(logged) != 1 {
		t.Errorf("logged %d times, want once: %q", len(logged), logged)
	}
}
