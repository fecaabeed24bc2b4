package main

import (
	"runtime/debug"
	"testing"
)

// TestSameBuild: haul hands a verb to hauld only when both carry the same
// source stamp and target; anything else, or no stamp, runs in haul.
func TestSameBuild(t *testing.T) {
	info := func(settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "haul", Version: "(devel)"}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	stamp := "-X=haul/internal/plumbing.SourceID=5ed331ab8d0b8e54"
	other := "-X=haul/internal/plumbing.SourceID=0000000000000000"
	goOther := info("-ldflags", stamp, "GOOS", "linux", "GOARCH", "amd64")
	goOther.GoVersion = "go1.26.7"
	cases := []struct {
		name string
		a, b *debug.BuildInfo
		want bool
	}{
		{"same stamp and target, cgo differs", info("-ldflags", stamp, "GOOS", "linux", "GOARCH", "amd64", "CGO_ENABLED", "1"),
			info("-ldflags", stamp, "GOOS", "linux", "GOARCH", "amd64", "CGO_ENABLED", "0"), true},
		{"other sources", info("-ldflags", stamp, "GOOS", "linux"), info("-ldflags", other, "GOOS", "linux"), false},
		{"no stamp on either", info("GOOS", "linux"), info("GOOS", "linux"), false},
		{"no stamp on hauld", info("-ldflags", stamp), info(), false},
		{"other architecture", info("-ldflags", stamp, "GOARCH", "amd64"), info("-ldflags", stamp, "GOARCH", "arm64"), false},
		{"other Go release", info("-ldflags", stamp, "GOOS", "linux", "GOARCH", "amd64"), goOther, false},
		{"other commits", info("-ldflags", stamp, "vcs.revision", "a1"), info("-ldflags", stamp, "vcs.revision", "b2"), false},
		{"nothing to read", info("-ldflags", stamp), nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := sameBuild(c.a, c.b); got != c.want {
				t.Fatalf("sameBuild = %v, want %v", got, c.want)
			}
		})
	}
}
