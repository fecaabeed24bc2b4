//go:build !linux

package nmhost

// ParentExe is "" where the parent's executable is not cheaply known;
// the extension's own report names the browser there.
func ParentExe() string { return "" }
