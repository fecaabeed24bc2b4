//go:build !linux

package downloader

// renameNoReplace moves a finished part file to its final name without
// replacing a file that appeared there (os.Rename would, on Windows too).
func renameNoReplace(from, to string) error { return linkThenRemove(from, to) }
