package e2e

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"haul/downloader"
	"haul/downloader/store"
)

// durable is what haul.db says is safely on disk for one task.
type durable struct {
	Size     int64
	State    downloader.State
	Segments []downloader.Segment
}

// Done is the number of bytes the record vouches for.
func (d durable) Done() int64 {
	if d.State == downloader.StateCompleted {
		return d.Size
	}
	var n int64
	for _, s := range d.Segments {
		n += s.Done
	}
	return n
}

// readDurable reads the task records of dataDir/haul.db by URL. No haul
// may be running on dataDir. A database that needed recovery after a
// SIGKILL is a bug: the test fails.
func readDurable(t *testing.T, dataDir string) map[string]durable {
	t.Helper()
	path := filepath.Join(dataDir, "haul.db")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return map[string]durable{} // killed before it made one
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("open haul.db after the kill: %v", err)
	}
	defer db.Close()
	if r := db.Recovered(); r != nil {
		t.Errorf("haul.db was unusable after a SIGKILL (%v); moved to %s", r.Reason, r.BrokenPath)
	}
	recs, err := db.LoadTasks()
	if err != nil {
		t.Fatalf("load tasks: %v", err)
	}
	out := map[string]durable{}
	for _, r := range recs {
		if r.Broken != "" {
			t.Errorf("task record %s unreadable after a SIGKILL: %s", r.ID, r.Broken)
			continue
		}
		out[r.URL] = durable{Size: r.Size, State: r.State, Segments: r.Segments}
	}
	return out
}

// parseRange parses "bytes=a-b" or "bytes=a-" (b = -1).
func parseRange(h string) (a, b int64, ok bool) {
	spec, found := strings.CutPrefix(h, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false
	}
	as, bs, found := strings.Cut(spec, "-")
	if !found || as == "" {
		return 0, 0, false
	}
	a, err := strconv.ParseInt(as, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	b = -1
	if bs != "" {
		if b, err = strconv.ParseInt(bs, 10, 64); err != nil {
			return 0, 0, false
		}
	}
	return a, b, true
}

// refetched lists the Range headers of a resumed run that ask again for
// bytes its record said were already on disk: a resume that (partly)
// starts over.
func refetched(ranges []string, d durable) []string {
	var bad []string
	for _, h := range ranges {
		a, b, ok := parseRange(h)
		if !ok {
			bad = append(bad, fmt.Sprintf("%q (not a single range)", h))
			continue
		}
		for _, s := range d.Segments {
			doneEnd := s.Start + s.Done // [Start, doneEnd) is on disk
			if s.Done > 0 && a < doneEnd && (b < 0 || b >= s.Start) {
				bad = append(bad, fmt.Sprintf("%q overlaps done bytes [%d,%d)", h, s.Start, doneEnd))
				break
			}
		}
	}
	return bad
}
