package main

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// TestSameBuild: haul hands a verb to hauld only when both carry the same
// source stamp and target; anything else, or no stamp, runs in haul. A
// -trimpath build (fyne package --release) has no -ldflags on record: its
// stamp is looked for in hauld's file (holds).
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
		name  string
		a, b  *debug.BuildInfo
		holds bool // hauld's file holds haul's stamp
		want  bool
	}{
		{"same stamp and target, cgo differs", info("-ldflags", stamp, "GOOS", "linux", "GOARCH", "amd64", "CGO_ENABLED", "1"),
			info("-ldflags", stamp, "GOOS", "linux", "GOARCH", "amd64", "CGO_ENABLED", "0"), false, true},
		{"other sources", info("-ldflags", stamp, "GOOS", "linux"), info("-ldflags", other, "GOOS", "linux"), false, false},
		{"no stamp on either", info("GOOS", "linux"), info("GOOS", "linux"), false, false},
		{"no stamp on hauld", info("-ldflags", stamp), info(), false, false},
		{"other architecture", info("-ldflags", stamp, "GOARCH", "amd64"), info("-ldflags", stamp, "GOARCH", "arm64"), false, false},
		{"other Go release", info("-ldflags", stamp, "GOOS", "linux", "GOARCH", "amd64"), goOther, false, false},
		{"other commits", info("-ldflags", stamp, "vcs.revision", "a1"), info("-ldflags", stamp, "vcs.revision", "b2"), false, false},
		{"nothing to read", info("-ldflags", stamp), nil, false, false},
		{"-trimpath, stamp in hauld", info("-trimpath", "true", "-tags", "release", "GOOS", "linux", "CGO_ENABLED", "1"),
			info("-trimpath", "true", "-tags", "release", "GOOS", "linux", "CGO_ENABLED", "0"), true, true},
		{"-trimpath, stamp not in hauld", info("-trimpath", "true", "GOOS", "linux"), info("-trimpath", "true", "GOOS", "linux"), false, false},
		{"-trimpath, other tags", info("-trimpath", "true", "-tags", "release"), info("-trimpath", "true"), true, false},
		{"-trimpath on haul only", info("-trimpath", "true"), info("-ldflags", stamp), true, false},
		{"no -trimpath, no stamp recorded", info("GOOS", "linux"), info("GOOS", "linux"), true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := sameBuild(c.a, c.b, func() bool { return c.holds }); got != c.want {
				t.Fatalf("sameBuild = %v, want %v", got, c.want)
			}
		})
	}
}

// TestFileHolds: the stamp is found anywhere in the file, across the
// reader's 1 MiB chunks too, and only the whole of it.
func TestFileHolds(t *testing.T) {
	const id = "5ed331ab8d0b8e54"
	dir := t.TempDir()
	for _, at := range []int{0, 1<<20 - 7, 1 << 20, 3<<20 - len(id)} {
		data := []byte(strings.Repeat("\x00", 3<<20))
		copy(data[at:], id)
		path := filepath.Join(dir, "hauld")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if !fileHolds(path, id) {
			t.Errorf("stamp at %d not found", at)
		}
		if fileHolds(path, id+"0") || fileHolds(path, "0"+id) {
			t.Errorf("stamp at %d: a longer string found", at)
		}
	}
	if fileHolds(filepath.Join(dir, "none"), id) || fileHolds(filepath.Join(dir, "hauld"), "") {
		t.Error("no file, or an empty stamp, holds nothing")
	}
}
