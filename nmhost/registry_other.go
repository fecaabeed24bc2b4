//go:build !windows

package nmhost

// SystemRegistry is nil outside Windows: hosts are found through files.
func SystemRegistry() Registry { return nil }
