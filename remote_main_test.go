package main

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"haul/downloader"
	"haul/downloader/store"
	"haul/gui"
	"haul/internal/remote"
	"haul/rpc"
)

// storeWithRemote is a data folder whose settings point the window at addr.
func storeWithRemote(t *testing.T, addr, secret string) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "haul.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := downloader.DefaultSettings(t.TempDir())
	s.UI = map[string]string{gui.UIKeyRemoteAddress: addr, gui.UIKeyRemoteSecret: secret}
	if err := db.PutSettings(s); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestOpenEngineRemote: with another computer set, the window's engine is
// that queue and the local engine runs nothing; when it does not answer,
// the local engine runs as usual and the reason comes back.
func TestOpenEngineRemote(t *testing.T) {
	other, err := downloader.Open(context.Background(), downloader.Config{Store: storeWithRemote(t, "", ""), DefaultFolder: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	srv, err := rpc.Start(rpc.Config{Engine: other, Port: rpc.AnyPort, Secret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	db := storeWithRemote(t, "127.0.0.1:"+strconv.Itoa(srv.Port()), "s")
	m, rem, _, remoteErr, err := openEngine(context.Background(), db)
	if err != nil || remoteErr != nil || rem == nil {
		t.Fatalf("openEngine = %v, %v, %v", rem, remoteErr, err)
	}
	defer rem.Close()
	defer m.Close()
	// The local engine records but never runs: a local task stays queued.
	ids, err := m.Add(context.Background(), downloader.Request{URL: "http://127.0.0.1:9/local.bin"})
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := m.Get(ids[0]); s.State != downloader.StateQueued {
		t.Errorf("local task %s while the window shows another computer; want it left queued", s.State)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	l.Close()
	db = storeWithRemote(t, dead, "s")
	m2, rem2, addr, remoteErr, err := openEngine(context.Background(), db)
	if err != nil || rem2 != nil || !errors.Is(remoteErr, remote.ErrUnreachable) || addr != dead {
		t.Fatalf("unreachable: openEngine = %v, %q, %v, %v", rem2, addr, remoteErr, err)
	}
	defer m2.Close()
	// The local engine runs: a task moves on (against port 9 it fails);
	// an idle (NoStart) engine would leave it queued.
	events, stop := m2.Subscribe()
	defer stop()
	ids, err = m2.Add(context.Background(), downloader.Request{URL: "http://127.0.0.1:9/local.bin"})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.After(20 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.Task.ID == ids[0] && ev.Task.State != downloader.StateQueued {
				return
			}
		case <-deadline:
			t.Fatal("the local task never left the queue after the fallback")
		}
	}
}
