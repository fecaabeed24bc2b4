package main

import (
	"bytes"
	"debug/buildinfo"
	"io"
	"os"
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
	return sameBuild(self, other, func() bool { return fileHolds(path, plumbing.SourceID) })
}

// sameBuild compares two binaries' build information: the Go release,
// the main module, the target, the linker flags (which carry the source
// stamp, -X haul/internal/plumbing.SourceID=…) and, where both have one,
// the version-control stamp. Settings that differ by design between haul
// and hauld (cgo, the package path) are not compared.
//
// Go leaves -ldflags out of the record of a -trimpath build
// (go.dev/issue/52372), and fyne package --release builds with -trimpath:
// then a's own stamp (the caller checks it is set) must be in b itself,
// which holdsStamp, called last, looks for.
func sameBuild(a, b *debug.BuildInfo, holdsStamp func() bool) bool {
	if a == nil || b == nil || a.GoVersion != b.GoVersion || a.Main.Path != b.Main.Path || a.Main.Version != b.Main.Version {
		return false
	}
	sa, sb := buildSettings(a), buildSettings(b)
	recorded := strings.Contains(sa["-ldflags"], sourceIDFlag)
	if !recorded && (sa["-trimpath"] != "true" || sa["-ldflags"] != "") {
		return false
	}
	for _, k := range []string{"-ldflags", "-tags", "-trimpath", "GOOS", "GOARCH", "GOAMD64", "GOARM64", "vcs.revision", "vcs.modified"} {
		if sa[k] != sb[k] {
			return false
		}
	}
	return recorded || holdsStamp()
}

// fileHolds reports whether the file at path contains s, as a -trimpath
// build stamped with -X holds the stamp's string in its data.
func fileHolds(path, s string) bool {
	if s == "" {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	want := []byte(s)
	buf := make([]byte, max(1<<20, 2*len(want)))
	keep := 0 // the previous chunk's tail, for a match across chunks
	for {
		n, err := io.ReadFull(f, buf[keep:])
		n += keep
		if bytes.Contains(buf[:n], want) {
			return true
		}
		if err != nil {
			return false
		}
		keep = len(want) - 1
		copy(buf, buf[n-keep:n])
	}
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
