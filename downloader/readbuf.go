package downloader

import (
	"sync"
	"time"
)

// Read buffers come in two sizes. A connection starts with a small one
// and moves to readChunk once it runs fast: on a fast stream the large
// buffer means few read and write calls per MiB (CPU per byte), while the
// many slow connections of a lossy or throttled path each deliver a few
// KiB per read and would only hold memory with it (peak RSS at 32
// connections).
const (
	smallChunk   = 32 << 10
	fastConnRate = 8 << 20 // bytes/s from which a connection reads into readChunk
)

var (
	bufPool      = sync.Pool{New: func() any { b := make([]byte, readChunk); return &b }}
	smallBufPool = sync.Pool{New: func() any { b := make([]byte, smallChunk); return &b }}
)

// readBuf is one worker's buffer, grown when its connection runs fast.
type readBuf struct {
	bp    *[]byte
	large bool
}

func newReadBuf() *readBuf { return &readBuf{bp: smallBufPool.Get().(*[]byte)} }

// bytes is the buffer for the next request of a connection at c's rate.
func (b *readBuf) bytes(c *conn) []byte {
	if !b.large && fastConn(c) {
		smallBufPool.Put(b.bp)
		b.bp, b.large = bufPool.Get().(*[]byte), true
	}
	return *b.bp
}

// fastConn: c has delivered a MiB at fastConnRate or more. Not c.rate,
// which waits 0.2 s: a fast local stream is done by then.
func fastConn(c *conn) bool {
	if c == nil || c.first.IsZero() || c.bytes < 1<<20 {
		return false
	}
	return float64(c.bytes)/time.Since(c.first).Seconds() >= fastConnRate
}

func (b *readBuf) release() {
	if b.large {
		bufPool.Put(b.bp)
	} else {
		smallBufPool.Put(b.bp)
	}
}
