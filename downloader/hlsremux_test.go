package downloader

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"haul/downloader/testserver"
)

func TestVideoRemux(t *testing.T) {
	bin := t.TempDir()
	// A stand-in for ffmpeg: copies -i's file to the last argument.
	copyScript := "#!/bin/sh\nin=''\nwhile [ $# -gt 1 ]; do [ \"$1\" = -i ] && in=$2; shift; done\nprintf 'MP4:' > \"$1\" && cat \"$in\" >> \"$1\"\n"
	failScript := "#!/bin/sh\necho 'Invalid data found when processing input' >&2\nexit 1\n"
	for name, body := range map[string]string{"ffmpeg-ok": copyScript, "ffmpeg-fail": failScript} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name, ffmpeg, file, log string
		mp4                     bool
	}{
		{"converted", filepath.Join(bin, "ffmpeg-ok"), "index.mp4", "Converted to MP4", true},
		{"ffmpeg fails", filepath.Join(bin, "ffmpeg-fail"), "index.ts", "Invalid data found", false},
		{"no ffmpeg", filepath.Join(bin, "missing"), "index.ts", "ffmpeg is not installed", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			old := ffmpegBinary
			ffmpegBinary = c.ffmpeg
			defer func() { ffmpegBinary = old }()
			srv := testserver.New()
			defer srv.Close()
			set := srv.AddHLS("s", testserver.HLSOptions{Segments: 3})
			dir := t.TempDir()
			m := openTest(t, newMemStore(), dir, nil)
			s := addVideo(t, m, Request{URL: set.URL(), Options: Options{Remux: RemuxMP4}})
			if s.State != StateCompleted || s.Name != c.file {
				t.Fatalf("state %s name %q (%s), want completed %q", s.State, s.Name, s.Error, c.file)
			}
			got, err := os.ReadFile(filepath.Join(dir, s.Name))
			want := set.Want(0)
			if c.mp4 {
				want = append([]byte("MP4:"), want...)
			}
			if err != nil || string(got) != string(want) {
				t.Errorf("file content wrong (%v)", err)
			}
			if !slices.ContainsFunc(s.Log, func(e LogEntry) bool { return strings.Contains(e.Text, c.log) }) {
				t.Errorf("log %v lacks %q", s.Log, c.log)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 1 {
				t.Errorf("folder holds %d entries, want only %s", len(ents), c.file)
			}
		})
	}
}
