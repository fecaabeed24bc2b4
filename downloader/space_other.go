//go:build !(linux || darwin || freebsd || netbsd || openbsd || windows)

package downloader

func freeSpace(string) (uint64, bool) { return 0, false }
