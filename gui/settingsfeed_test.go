package gui

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"haul/downloader"
	"haul/downloader/store"
	"haul/rpc"
)

// TestRPCSettingsReachWindow: a browser extension's changeGlobalOption
// (a session change, over the real RPC, on the real engine) reaches the
// window through the engine's EventSettings: an open add dialog follows
// the new folder, a new one pre-fills it, the status bar shows the new
// limit, and a task added from the dialog lands in the new folder rather
// than the old one pinned.
func TestRPCSettingsReachWindow(t *testing.T) {
	dir := t.TempDir()
	oldFolder, newFolder := filepath.Join(dir, "old"), filepath.Join(dir, "new")
	db, err := store.Open(filepath.Join(dir, "haul.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := downloader.Open(context.Background(), downloader.Config{Store: db, DefaultFolder: oldFolder})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	srv, err := rpc.Start(rpc.Config{Engine: m, Port: rpc.AnyPort, Secret: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	u := newUI(test.NewTempApp(t), m, Options{})
	defer u.Close()
	u.showAdd("http://127.0.0.1:9/a.bin")
	open := u.add
	if open == nil || open.folder.Text != oldFolder {
		t.Fatalf("add dialog before: %v", open)
	}

	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": "1", "method": "aria2.changeGlobalOption",
		"params": []any{"token:s3cret", map[string]string{"dir": newFolder, "max-overall-download-limit": "1M"}}})
	resp, err := http.Post(srv.URL(), "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("changeGlobalOption: HTTP %d", resp.StatusCode)
	}
	pumpUntilSettings(t, u)

	if open.folder.Text != newFolder {
		t.Errorf("open add dialog shows %q, want the new folder %q", open.folder.Text, newFolder)
	}
	if want := downloader.FormatRate(1 << 20); !strings.Contains(u.status.limit.Text, want) {
		t.Errorf("status bar %q, want the limit %s", u.status.limit.Text, want)
	}
	if !u.session.root.Visible() {
		t.Error("the session note is hidden after a connected app's change")
	}

	open.start.SetChecked(false) // paused: nothing is fetched
	open.submit()
	list := m.List()
	if len(list) != 1 || list[0].Folder != newFolder {
		t.Fatalf("tasks %+v, want one in %s", list, newFolder)
	}
	u.showAdd("http://127.0.0.1:9/b.bin")
	if u.add.folder.Text != newFolder {
		t.Errorf("a new add dialog pre-fills %q, want %q", u.add.folder.Text, newFolder)
	}
}

// pumpUntilSettings feeds the window the engine's events, as the bridge
// goroutine would, until an EventSettings has been applied.
func pumpUntilSettings(t *testing.T, u *UI) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev := <-u.bridge.events:
			u.bridge.put(ev)
			if ev.Kind == downloader.EventSettings {
				u.apply(u.bridge.take())
				return
			}
		case <-deadline:
			t.Fatal("no EventSettings reached the window")
		}
	}
}
