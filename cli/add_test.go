package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"haul/downloader"
	"haul/downloader/store"
	"haul/downloader/testserver"
	"haul/rpc"
)

func TestAddUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no URL", []string{"--data", t.TempDir()}, "no URL"},
		{"bad URL", []string{"--data", t.TempDir(), "ftp://x/y"}, "not a valid http"},
		{"unknown flag", []string{"-x", "4", "http://a/b"}, "not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := Add(tt.args, &out, &errb); code != ExitUsage {
				t.Fatalf("exit %d, want %d", code, ExitUsage)
			}
			if !strings.Contains(errb.String(), tt.want) {
				t.Errorf("stderr %q, want %q", errb.String(), tt.want)
			}
		})
	}
}

// No Haul runs: the URLs are queued in haul.db for the next start.
func TestAddQueuesWhenNoInstance(t *testing.T) {
	dataDir := t.TempDir()
	var out, errb bytes.Buffer
	// A stale instance.json from a Haul that crashed must not matter.
	if err := writeFile(filepath.Join(dataDir, rpc.InstanceFile), `{"port":1,"token":"old","pid":1}`); err != nil {
		t.Fatal(err)
	}
	// A numbered series is expanded as haul get and the window do.
	code := Add([]string{"http://example.com/a.iso", "--data", dataDir, "https://example.com/b[1-2].zip"}, &out, &errb)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "Queued 3 downloads; they start when Haul opens.") {
		t.Errorf("stdout %q", out.String())
	}
	db, err := store.Open(filepath.Join(dataDir, "haul.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	recs, err := db.LoadTasks()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("%d records", len(recs))
	}
	for i, want := range []string{"http://example.com/a.iso", "https://example.com/b1.zip", "https://example.com/b2.zip"} {
		if recs[i].URL != want || recs[i].State != downloader.StateQueued {
			t.Errorf("record %d: %s %s", i, recs[i].URL, recs[i].State)
		}
	}
}

// The database is locked and nobody answers: say so, exit 1.
func TestAddLockedWithoutInstance(t *testing.T) {
	dataDir := t.TempDir()
	db, err := store.Open(filepath.Join(dataDir, "haul.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out, errb bytes.Buffer
	if code := Add([]string{"--data", dataDir, "http://example.com/a"}, &out, &errb); code != ExitFailed {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(errb.String(), "does not answer") {
		t.Errorf("stderr %q", errb.String())
	}
}

// A Haul runs on the data folder: the URLs go to it and its window shows.
func TestAddHandsToRunningInstance(t *testing.T) {
	srv := testserver.New(testserver.WithFile("/f.bin", testserver.File{Size: 1000, Seed: 1}))
	defer srv.Close()
	dataDir := t.TempDir()
	db, err := store.Open(filepath.Join(dataDir, "haul.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := downloader.Open(context.Background(), downloader.Config{Store: db, DefaultFolder: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	shown := make(chan struct{}, 1)
	s, err := rpc.Start(rpc.Config{Engine: m, Port: rpc.AnyPort, DataDir: dataDir, OnShow: func() { shown <- struct{}{} }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	var out, errb bytes.Buffer
	if code := Add([]string{"--data", dataDir, srv.URL("/f.bin")}, &out, &errb); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "Handed 1 download to the running Haul.") {
		t.Errorf("stdout %q", out.String())
	}
	list := m.List()
	if len(list) != 1 || list[0].URL != srv.URL("/f.bin") {
		t.Fatalf("engine has %+v", list)
	}
	select {
	case <-shown:
	case <-time.After(time.Second):
		t.Fatal("window not shown")
	}
}

func writeFile(path, content string) error {
	return os.WriteFile(path, []byte(content), 0o600)
}
