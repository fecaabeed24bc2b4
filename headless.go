package main

import (
	"debug/buildinfo"
	"runtime/debug"
	"strings"

	"haul/internal/plumbing"
)

// envInProcess, when set, keeps a terminal verb in the haul process
// instead of handing it to hauld (runHeadless).
const envInProcess = "HAUL_IN_PROCESS"

// sameBuildAsSelf reports whether the executable at path was built from
// the same sources as this one, so handing it a verb changes nothing but
// the process's size. Only the Makefile's stamp (plumbing.SourceID) can
// say so; without it, or when it cannot be read, the answer is no.
func sameBuildAsSelf(path string) bool {
	self, ok := debug.ReadBuildInfo()
	if !ok || plumbing.SourceID == "" {
		return false
	}
	other, err := buildinfo.ReadFile(path)
	if err != nil {
		return false
	}
	return sameBuild(self, other)
}

// sameBuild compares two binaries' build information: the Go release,
// the main module, the target, the linker flags (which carry the source
// stamp, -X haul/internal/plumbing.SourceID=…) and, where both have one,
// the version-control stamp. Settings that differ by design between haul
// and hauld (cgo, the package path) are not compared.
func sameBuild(a, b *debug.BuildInfo) bool {
	if a == nil || b == nil || a.GoVersion != b.GoVersion || a.Main.Path != b.Main.Path || a.Main.Version != b.Main.Version {
		return false
	}
	sa, sb := buildSettings(a), buildSettings(b)
	if !strings.Contains(sa["-ldflags"], sourceIDFlag) {
		return false
	}
	for _, k := range []string{"-ldflags", "-tags", "GOOS", "GOARCH", "GOAMD64", "GOARM64", "vcs.revision", "vcs.modified"} {
		if sa[k] != sb[k] {
			return false
		}
	}
	return true
}

// sourceIDFlag is how the stamp appears in the recorded -ldflags.
const sourceIDFlag = "haul/internal/plumbing.SourceID="

func buildSettings(bi *debug.BuildInfo) map[string]string {
	m := make(map[string]string, len(bi.Settings))
	for _, s := range bi.Settings {
		m[s.Key] = s.Value
	}
	return m
}
