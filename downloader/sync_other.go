//go:build !linux

package downloader

import "os"

func datasync(f *os.File) error { return f.Sync() }

// StartWriteback has no portable equivalent; the syncs do all the work.
func (osPart) StartWriteback(off, n int64) {}
