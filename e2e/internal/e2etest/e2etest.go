// Package e2etest holds what the end-to-end tests in e2e and e2e/desktop
// both need around a haul child: a buffer for its output and the hash of
// the file it wrote.
package e2etest

import (
	"bytes"
	"sync"
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
