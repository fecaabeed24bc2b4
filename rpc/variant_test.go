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
