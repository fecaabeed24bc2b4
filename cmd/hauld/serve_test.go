package main

import "testing"

func TestLogURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://example.org/a.iso", "https://example.org/a.iso"},
		{"https://user:hunter2@example.org/a.iso", "https://user:xxxxx@example.org/a.iso"},
		{"ftp://%zz", "(unparsable URL)"},
	}
	for _, tt := range tests {
		if got := logURL(tt.in); got != tt.want {
			t.Errorf("logURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
