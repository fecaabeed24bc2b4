//go:build unix && !linux

package downloader

// fileIdentity is lstatIdentity: these systems have no birth time in a
// form the syscall package exposes on all of them alike.
func fileIdentity(path string) (string, error) { return lstatIdentity(path) }
