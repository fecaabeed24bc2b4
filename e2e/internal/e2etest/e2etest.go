// Package e2etest holds what the end-to-end test packages under e2e/
// share around a child process: a buffer for its output, polling for a
// condition, the hash of the file it wrote, and (xvfb.go) a process group
// and an X server.
package e2etest

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"haul/downloader/testserver"
)

// SyncBuffer is a bytes.Buffer safe to read while a child writes to it.
// The zero value is ready to use.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// FileSHA256 is the hex SHA-256 of the file at path; an error fails t.
func FileSHA256(t testing.TB, path string) string {
	t.Helper()
	sum, err := testserver.FileSHA256(path)
	if err != nil {
		t.Fatalf("hash downloaded file: %v", err)
	}
	return sum
}

// WaitFor polls cond every 50 ms until it holds or within passes; cond
// is checked once more after the deadline.
func WaitFor(within time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}
