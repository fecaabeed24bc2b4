package downloader

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseRate(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"", 0, false},
		{"  ", 0, false},
		{"0", 0, false},
		{"0K", 0, false},
		{"100", 100, false},
		{"100B", 100, false},
		{"500K", 500 << 10, false},
		{"750k", 750 << 10, false},
		{"2M", 2 << 20, false},
		{"1.5M", 3 << 19, false},
		{"2MB", 2 << 20, false},
		{"2MiB", 2 << 20, false},
		{"2mib", 2 << 20, false},
		{"2 M", 2 << 20, false},
		{" 2M/s ", 2 << 20, false},
		{"1G", 1 << 30, false},
		{".5K", 512, false},
		{"1.K", 1024, false},
		{"1.3K", 1331, false},
		{"8589934591G", 8589934591 << 30, false},
		{"8589934592G", 0, true},
		{"9223372036854775807", math.MaxInt64, false},
		{"9223372036854775808", 0, true},
		{"0.5", 0, true},
		{"-1", 0, true},
		{"-1M", 0, true},
		{"M", 0, true},
		{".", 0, true},
		{"1.2.3M", 0, true},
		{"2X", 0, true},
		{"2MM", 0, true},
		{"2 Mbps", 0, true},
		{"1e3", 0, true},
		{"+5", 0, true},
		{"0x10", 0, true},
		{"fast", 0, true},
		{"1" + strings.Repeat("0", 100), 0, true},
		{"0." + strings.Repeat("0", 100) + "1", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRate(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrBadRate) {
					t.Fatalf("ParseRate(%q) = %d, %v; want ErrBadRate", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseRate(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestFormatBytes(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0 B"},
		{512, "512 B"},
		{1023, "1023 B"},
		{1024, "1.0 KiB"},
		{1536, "1.5 KiB"},
		{3 << 19, "1.5 MiB"},
		{2 << 30, "2.0 GiB"},
		{1<<20 - 1, "1.0 MiB"},
		{1023*1024 + 900, "1023.9 KiB"},
		{1023*1024 + 1000, "1.0 MiB"},
		{5 << 40, "5.0 TiB"},
		{math.MaxInt64, "8.0 EiB"},
		{-2048, "-2.0 KiB"},
		{math.MinInt64, "-8.0 EiB"},
	}
	for _, tt := range tests {
		if got := FormatBytes(tt.in); got != tt.want {
			t.Errorf("FormatBytes(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := FormatRate(1258291); got != "1.2 MiB/s" {
		t.Errorf("FormatRate = %q", got)
	}
	if got := FormatRate(0); got != "0 B/s" {
		t.Errorf("FormatRate(0) = %q", got)
	}
}

func TestFormatETA(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{-1, "—"},
		{-time.Hour, "—"},
		{0, "0s"},
		{time.Millisecond, "1s"},
		{3 * time.Second, "3s"},
		{59 * time.Second, "59s"},
		{60 * time.Second, "1m00s"},
		{4*time.Minute + 5*time.Second, "4m05s"},
		{4*time.Minute + 4500*time.Millisecond, "4m05s"},
		{time.Hour - time.Second, "59m59s"},
		{time.Hour, "1h00m"},
		{2*time.Hour + 3*time.Minute + 59*time.Second, "2h03m"},
		{24 * time.Hour, "1d00h"},
		{75 * time.Hour, "3d03h"},
		{math.MaxInt64, "106751d23h"},
	}
	for _, tt := range tests {
		if got := FormatETA(tt.in); got != tt.want {
			t.Errorf("FormatETA(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"", "0", "100", "500K", "750k", "2M", "1.5M", "2MB", "2MiB",
		"1G/s", ".5k", "9223372036854775807", "8589934592G", "-1", "1..2", "0.0000001M"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseRate(s)
		if err != nil {
			if !errors.Is(err, ErrBadRate) || n != 0 {
				t.Fatalf("ParseRate(%q) = %d, %v", s, n, err)
			}
			return
		}
		if n < 0 {
			t.Fatalf("ParseRate(%q) = %d", s, n)
		}
		// A plain number of bytes is read exactly.
		if v, perr := strconv.ParseInt(strings.TrimSpace(s), 10, 64); perr == nil && v >= 0 && !strings.HasPrefix(strings.TrimSpace(s), "+") && n != v {
			t.Fatalf("ParseRate(%q) = %d, want %d", s, n, v)
		}
		_ = FormatRate(n)
	})
}
