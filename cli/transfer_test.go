package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"haul/downloader"
	"haul/downloader/store"
	"haul/rpc"
)

// TestImportExport: haul import queues the file's links with their
// options, haul export writes them back (aria2 and JSON) without the
// cookie, and a bad line is named while the others are still added.
func TestImportExport(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "in.txt")
	in := "https://example.com/a.iso\n  dir=" + dir + "/isos\n  out=a.iso\n  header=Cookie: s=secret\n  header=Referer: https://example.com/\nnot a link\nhttps://example.com/b.zip\n"
	if err := os.WriteFile(list, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if got := Import([]string{"--data", dir, list}, &out, &errb); got != ExitFailed || !strings.Contains(errb.String(), "line 6") {
		t.Errorf("import status %d, stderr %q: want a failure naming line 6", got, errb.String())
	}
	out.Reset()
	if got := Export([]string{"--data", dir}, &out, io.Discard); got != ExitOK {
		t.Fatalf("export status %d", got)
	}
	want := "https://example.com/a.iso\n  dir=" + dir + "/isos\n  out=a.iso\n  header=Referer: https://example.com/\nhttps://example.com/b.zip\n"
	if !strings.HasPrefix(out.String(), want) || strings.Contains(out.String(), "secret") {
		t.Errorf("export:\n%s\nwant it to start with\n%s", out.String(), want)
	}
	file := filepath.Join(dir, "out.json")
	if got := Export([]string{"--format", "json", "--data", dir, file}, io.Discard, io.Discard); got != ExitOK {
		t.Fatalf("json export status %d", got)
	}
	b, _ := os.ReadFile(file)
	if !strings.Contains(string(b), `"url": "https://example.com/b.zip"`) {
		t.Errorf("json export: %s", b)
	}
	if got := Export([]string{"--format", "xml", "--data", dir}, io.Discard, io.Discard); got != ExitUsage {
		t.Errorf("--format xml: status %d, want usage", got)
	}
}

// TestImportToRunningHaul: with Haul running on the data folder, the list
// goes to it through the hand-off, options included, and haul.db is not
// opened a second time.
func TestImportToRunningHaul(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(filepath.Join(dir, "haul.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := downloader.Open(context.Background(), downloader.Config{Store: db, DefaultFolder: dir, NoStart: true})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := rpc.Start(rpc.Config{Engine: m, Port: rpc.AnyPort, HandoffOnly: true, Secret: "s", DataDir: dir, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(); m.Close(); db.Close() })

	list := filepath.Join(dir, "in.txt")
	in := "https://example.com/a.iso\n  out=a.iso\n  header=Referer: https://example.com/\nhttps://example.com/b.zip\n"
	if err := os.WriteFile(list, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if got := Import([]string{"--data", dir, list}, &out, &errb); got != ExitOK {
		t.Fatalf("import status %d, stderr %q", got, errb.String())
	}
	if !strings.Contains(out.String(), "2 downloads to the running Haul") {
		t.Errorf("stdout %q", out.String())
	}
	tasks := m.List()
	if len(tasks) != 2 {
		t.Fatalf("the running Haul has %d tasks, want 2", len(tasks))
	}
	var a downloader.Snapshot
	for _, s := range tasks {
		if s.URL == "https://example.com/a.iso" {
			a = s
		}
	}
	if a.Name != "a.iso" || a.Options.Headers.Get("Referer") != "https://example.com/" {
		t.Errorf("a.iso arrived as %+v", a)
	}
}
