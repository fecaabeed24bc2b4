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
	go func() { defer wg.Done(); KeepAwake(ctx, flow, inh, t.Logf) }()
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
