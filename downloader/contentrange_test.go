package downloader

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestParseContentRange(t *testing.T) {
	tests := []struct {
		in                string
		start, end, total int64
		wantErr           bool
	}{
		{"bytes 0-99/1000", 0, 99, 1000, false},
		{"bytes 900-999/1000", 900, 999, 1000, false},
		{"bytes 0-0/1", 0, 0, 1, false},
		{"bytes 0-99/*", 0, 99, -1, false},
		{"bytes */1000", -1, -1, 1000, false},
		{"bytes */0", -1, -1, 0, false},
		{"Bytes 0-99/1000", 0, 99, 1000, false},
		{" bytes 0-99/1000 ", 0, 99, 1000, false},
		{"bytes 0-9223372036854775806/9223372036854775807", 0, 9223372036854775806, 9223372036854775807, false},
		{"", 0, 0, 0, true},
		{"bytes", 0, 0, 0, true},
		{"bytes ", 0, 0, 0, true},
		{"0-99/1000", 0, 0, 0, true},
		{"items 0-99/1000", 0, 0, 0, true},
		{"bytes=0-99/1000", 0, 0, 0, true},
		{"bytes */*", 0, 0, 0, true},
		{"bytes 0-99", 0, 0, 0, true},
		{"bytes 0-99/", 0, 0, 0, true},
		{"bytes -1-99/1000", 0, 0, 0, true},
		{"bytes 0--99/1000", 0, 0, 0, true},
		{"bytes 0-99/-1000", 0, 0, 0, true},
		{"bytes +0-99/1000", 0, 0, 0, true},
		{"bytes 100-99/1000", 0, 0, 0, true},
		{"bytes 0-1000/1000", 0, 0, 0, true},
		{"bytes 0-99/0", 0, 0, 0, true},
		{"bytes 0-/1000", 0, 0, 0, true},
		{"bytes -99/1000", 0, 0, 0, true},
		{"bytes 0-99/1000x", 0, 0, 0, true},
		{"bytes 0-99/1000 junk", 0, 0, 0, true},
		{"bytes 0 -99/1000", 0, 0, 0, true},
		{"bytes 0x1-99/1000", 0, 0, 0, true},
		{"bytes 0-99/9223372036854775808", 0, 0, 0, true},
		{"bytes 0-9223372036854775808/*", 0, 0, 0, true},
		{"bytes 0-99/1000/2000", 0, 0, 0, true},
		{"bytes ٠-٩/١٠", 0, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			s, e, n, err := parseContentRange(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("parseContentRange(%q) = %d, %d, %d; want error", tt.in, s, e, n)
				}
				if !errors.Is(err, errContentRange) {
					t.Fatalf("error %v does not wrap errContentRange", err)
				}
				return
			}
			if err != nil || s != tt.start || e != tt.end || n != tt.total {
				t.Fatalf("parseContentRange(%q) = %d, %d, %d, %v; want %d, %d, %d",
					tt.in, s, e, n, err, tt.start, tt.end, tt.total)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	date := func(d time.Duration) string { return now.Add(d).Format(http.TimeFormat) }
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{" 5 ", 5 * time.Second, true},
		{"3600", time.Hour, true},
		{"3601", time.Hour, true},
		{"99999999999999999999999", time.Hour, true},
		{"-5", 0, false},
		{"1.5", 0, false},
		{"5s", 0, false},
		{"soon", 0, false},
		{date(90 * time.Second), 90 * time.Second, true},
		{date(-time.Minute), 0, true},
		{date(48 * time.Hour), time.Hour, true},
		{now.Add(30 * time.Second).Format(time.RFC850), 30 * time.Second, true},
		{now.Add(30 * time.Second).Format(time.ANSIC), 30 * time.Second, true},
		{"Sat, 01 Mar 2025 12:00:xx GMT", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseRetryAfter(tt.in, now)
			if got != tt.want || ok != tt.wantOK {
				t.Fatalf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func FuzzContentRange(f *testing.F) {
	for _, s := range []string{"bytes 0-99/1000", "bytes 0-99/*", "bytes */1000", "bytes */*",
		"bytes 100-99/1000", "bytes 0-1000/1000", "bytes -1-5/10", "bytes 0-9223372036854775807/*",
		"bytes 0-99/99999999999999999999", "", "bytes  1-2/3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, end, total, err := parseContentRange(s)
		if err != nil {
			return
		}
		if start == -1 {
			if end != -1 || total < 0 {
				t.Fatalf("parseContentRange(%q) = %d, %d, %d", s, start, end, total)
			}
			return
		}
		if start < 0 || end < start || total < -1 || (total != -1 && end >= total) {
			t.Fatalf("parseContentRange(%q) = %d, %d, %d", s, start, end, total)
		}
	})
}
