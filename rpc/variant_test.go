package rpc

import (
	"strings"
	"testing"

	"haul/downloader"
)

func TestHaulVariantOption(t *testing.T) {
	cases := []struct {
		value, want, err string
	}{
		{"720p", "720p", ""},
		{"worst", "worst", ""},
		{"best", "best", ""},
		{"hd", "", "haul-variant must be"},
	}
	for _, c := range cases {
		t.Run(c.value, func(t *testing.T) {
			var o downloader.Options
			err := applyTaskOptions(&o, map[string][]string{"haul-variant": {c.value}})
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || o.Variant != c.want {
				t.Fatalf("variant %q err %v, want %q", o.Variant, err, c.want)
			}
			if got := taskOptions(downloader.Snapshot{Options: o}, downloader.Settings{})["haul-variant"]; got != c.want {
				t.Errorf("getOption haul-variant = %q", got)
			}
		})
	}
}

// TestVideoTotalLength: while a video's size is unknown its totalLength is
// estimated from the segments done (AriaNg shows completed/total), never
// below what is done; a file of unknown size stays 0 as in aria2.
func TestVideoTotalLength(t *testing.T) {
	tests := []struct {
		name string
		s    downloader.Snapshot
		want int64
	}{
		{"known size", downloader.Snapshot{Size: 100, Done: 40}, 100},
		{"file of unknown size", downloader.Snapshot{Size: -1, Done: 40}, 0},
		{"video, 15 of 60 segments", downloader.Snapshot{Kind: downloader.KindVideo, Size: -1, Done: 1500,
			Video: downloader.VideoInfo{SegmentsDone: 15, SegmentsTotal: 60}}, 6000},
		{"video before its first segment", downloader.Snapshot{Kind: downloader.KindVideo, Size: -1,
			Video: downloader.VideoInfo{SegmentsTotal: 60}}, 0},
	}
	for _, tt := range tests {
		if got := totalLength(tt.s); got != tt.want {
			t.Errorf("%s: totalLength = %d, want %d", tt.name, got, tt.want)
		}
	}
}
