package plumbing

// SourceID names the sources a binary was built from: a hash of the
// tree, set by the Makefile with -ldflags -X for haul and hauld alike, so
// that haul can tell a hauld built from the very same sources (main's
// runHeadless). Empty for a plain `go build`.
var SourceID string

// SourceNote is what `haul version` and `hauld version` print after the
// version: " (sources ID)", or nothing without a stamp. Printing it also
// keeps SourceID in hauld, which reads it nowhere else: the linker drops
// an unused variable and its -X value with it, and a -trimpath build (fyne
// package --release) does not record -ldflags, so haul finds the stamp of
// such a hauld only in the binary's data (main's sameBuild).
func SourceNote() string {
	if SourceID == "" {
		return ""
	}
	return " (sources " + SourceID + ")"
}
