package downloader

import (
	"errors"
	"testing"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"https://example.com/a.iso", true},
		{"http://127.0.0.1:8080/f?x=1", true},
		{"ftp://example.com/a", false},
		{"file:///etc/passwd", false},
		{"javascript:alert(1)", false},
		{"https:///nohost", false},
		{"example.com/a", false},
		{"", false},
		{"http://[::1", false},
	}
	for _, tt := range tests {
		_, err := ParseURL(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParseURL(%q) error %v, want ok=%v", tt.in, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrBadURL) {
			t.Errorf("ParseURL(%q) error %v does not wrap ErrBadURL", tt.in, err)
		}
	}
}

// FuzzParseURL: anything accepted is an absolute http(s) URL with a host.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"https://a/b", "http://h:1/", "HTTPS://X/Y", "ftp://a", "http://[::1]/", "//h/p", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseURL(s)
		if err != nil {
			if !errors.Is(err, ErrBadURL) {
				t.Fatalf("error %v does not wrap ErrBadURL", err)
			}
			return
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Fatalf("accepted %q as %+v", s, u)
		}
	})
}
