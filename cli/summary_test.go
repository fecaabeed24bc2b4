package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"haul/downloader"
	"haul/downloader/store"
)

// A download paused by a full disk keeps its bytes: the summary says
// paused and why, never "Failed".
func TestSummarizePausedIsNotFailed(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(filepath.Join(dir, "haul.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	why := downloader.Sentence(downloader.ErrDiskFull)
	rec := downloader.TaskRecord{ID: "t1", URL: "http://127.0.0.1:1/big.iso", Folder: dir, Name: "big.iso",
		Size: 100, State: downloader.StatePaused, Error: why}
	if err := db.PutTask(rec); err != nil {
		t.Fatal(err)
	}
	m, err := downloader.Open(context.Background(), downloader.Config{Store: db, DefaultFolder: dir, Hold: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var out, errOut bytes.Buffer
	status := summarize(&out, &errOut, m, []string{"t1"}, nil, false)
	if status == ExitOK {
		t.Error("exit status OK for a download that is not done")
	}
	got := errOut.String()
	if strings.Contains(got, "Failed") || !strings.Contains(got, "Paused") || !strings.Contains(got, why) {
		t.Fatalf("summary %q, want it paused with the reason", got)
	}
}
