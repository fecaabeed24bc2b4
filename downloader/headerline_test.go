package downloader

import (
	"errors"
	"testing"
)

func TestParseHeaderLine(t *testing.T) {
	tests := []struct {
		line, name, value string
		ok                bool
	}{
		{"Referer: https://example.com/page", "Referer", "https://example.com/page", true},
		{"  cookie:a=1; b=2  ", "Cookie", "a=1; b=2", true},
		{"X-Empty:", "X-Empty", "", true},
		{"Authorization: Bearer a:b:c", "Authorization", "Bearer a:b:c", true},
		{"no colon", "", "", false},
		{": value", "", "", false},
		{"Two Words: x", "", "", false},
		{"Bad\x00Name: x", "", "", false},
		{"Split: a\r\nInjected: b", "", "", false},
		{"Ctl: a\x01b", "", "", false},
	}
	for _, tt := range tests {
		name, value, err := ParseHeaderLine(tt.line)
		if (err == nil) != tt.ok || name != tt.name || value != tt.value {
			t.Errorf("ParseHeaderLine(%q) = %q, %q, %v; want %q, %q, ok %v", tt.line, name, value, err, tt.name, tt.value, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrBadOption) {
			t.Errorf("ParseHeaderLine(%q): %v does not wrap ErrBadOption", tt.line, err)
		}
	}
	h, err := ParseHeaderLines("", "X-A: 1", "x-a: 2", "  ")
	if err != nil || len(h["X-A"]) != 2 {
		t.Errorf("ParseHeaderLines = %v, %v", h, err)
	}
	if h, err := ParseHeaderLines(" "); h != nil || err != nil {
		t.Errorf("ParseHeaderLines(blank) = %v, %v; want nil, nil", h, err)
	}
}
