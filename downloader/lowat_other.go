//go:build !linux

package downloader

import (
	"errors"
	"syscall"
)

// setRcvLowat: elsewhere the mark is left alone. Where kqueue honours it
// (BSD, macOS) the reader's own wake-up rule differs, and Windows has no
// such option; the reads only wake more often there.
func setRcvLowat(syscall.RawConn, int) error { return errors.ErrUnsupported }
