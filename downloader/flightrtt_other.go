//go:build !linux

package downloader

import (
	"syscall"
	"time"
)

// receiverRTT reports nothing outside Linux: the ramp then sees the
// queue by the first-byte delays of new requests alone (pathdelay.go).
func receiverRTT(syscall.RawConn) (time.Duration, bool) { return 0, false }
