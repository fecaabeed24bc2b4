package plumbing

// SourceID names the sources a binary was built from: a hash of the
// tree, set by the Makefile with -ldflags -X for haul and hauld alike, so
// that haul can tell a hauld built from the very same sources (main's
// runHeadless). Empty for a plain `go build`.
var SourceID string
