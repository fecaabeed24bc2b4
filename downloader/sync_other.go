//go:build !linux

package downloader

import "os"

func datasync(f *os.File) error { return f.Sync() }
