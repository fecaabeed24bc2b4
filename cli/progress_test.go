package cli

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"haul/downloader"
)

// TestProgressLinesFitTheTerminal: at 80, 120 and 140 columns every
// redrawn line is at least a column narrower than the terminal, so none
// wraps and each redraw moves up exactly the lines it drew before.
func TestProgressLinesFitTheTerminal(t *testing.T) {
	long := strings.Repeat("A very long file name ", 8) + ".iso"
	tasks := []downloader.Snapshot{
		{ID: "1", Name: long, State: downloader.StateActive, Phase: downloader.PhaseDownloading, Size: 3 << 30, Done: 1 << 30, Speed: 12 << 20, ETA: 90e9, Connections: 16},
		{ID: "2", Name: "下载的文件名称非常长非常长非常长非常长非常长非常长.zip", State: downloader.StateActive, Size: -1, Done: 5 << 20},
		{ID: "3", URL: "https://example.com/" + strings.Repeat("x", 200), State: downloader.StateFailed, Size: 100,
			Error: "The server at example.com:443 refuses connections; Haul keeps trying with longer and longer pauses."},
		{ID: "4", Name: "e\u0301te\u0301.txt", State: downloader.StateQueued, Size: 10},
		{ID: "5", Name: "short", State: downloader.StatePaused, Size: 10, Done: 5, Error: "Paused by you"},
	}
	for _, cols := range []int{80, 120, 140, 40} {
		t.Run(fmt.Sprint(cols), func(t *testing.T) {
			var out bytes.Buffer
			v := newProgressView(&out, true, false)
			v.cols = func() int { return cols }
			for round := range 2 {
				out.Reset()
				for _, s := range tasks {
					v.last[s.ID] = s
					if round == 0 {
						v.order = append(v.order, s.ID)
					}
				}
				v.redraw()
				text := out.String()
				if round == 1 && !strings.HasPrefix(text, fmt.Sprintf("\x1b[%dF", len(tasks))) {
					t.Errorf("redraw does not go back %d lines: %q", len(tasks), text[:min(len(text), 10)])
				}
				lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
				if len(lines) != len(tasks) {
					t.Fatalf("%d lines for %d tasks", len(lines), len(tasks))
				}
				for i, l := range lines {
					l = l[strings.LastIndex(l, "\x1b[2K")+len("\x1b[2K"):]
					if w := columns(l); w > cols-1 {
						t.Errorf("line %d is %d columns at %d: %q", i, w, cols, l)
					}
				}
			}
			if cols >= 120 && !strings.Contains(out.String(), "[") {
				t.Errorf("no bar at %d columns", cols)
			}
		})
	}
}

func TestFit(t *testing.T) {
	cases := []struct {
		s    string
		n    int
		pad  bool
		want string
	}{
		{"abc", 5, true, "abc  "},
		{"abcdef", 4, false, "abc…"},
		{"下载文件", 5, true, "下载…"},
		{"下载文件", 4, true, "下… "}, // a wide character never straddles the edge
		{"下载文件", 8, false, "下载文件"},
		{"e\u0301te\u0301", 4, true, "e\u0301te\u0301 "}, // combining accents take no column
		{"abc", 0, true, ""},
	}
	for _, tc := range cases {
		if got := fit(tc.s, tc.n, tc.pad); got != tc.want {
			t.Errorf("fit(%q, %d, %v) = %q, want %q", tc.s, tc.n, tc.pad, got, tc.want)
		}
	}
}
