package downloader

import (
	"errors"
	"net/http"
	"testing"
)

func TestSiteFor(t *testing.T) {
	sites := []Site{{Host: "*.example.com", Connections: 2}, {Host: "dl.example.com", Connections: 4}, {Host: "*.cdn.example.com", Connections: 6}}
	tests := []struct {
		url  string
		want int // Connections of the matched site, -1 none
	}{
		{"https://dl.example.com/a", 4},
		{"https://www.example.com/a", 2},
		{"https://example.com:8443/a", 2},
		{"https://x.cdn.example.com/a", 6},
		{"https://EXAMPLE.com/a", 2},
		{"https://badexample.com/a", -1},
		{"https://example.com.evil.org/a", -1},
		{"https://[::1]/a", -1},
	}
	for _, tt := range tests {
		s, ok := SiteFor(sites, tt.url)
		got := -1
		if ok {
			got = s.Connections
		}
		if got != tt.want {
			t.Errorf("SiteFor(%s) = %d, want %d", tt.url, got, tt.want)
		}
	}
}

func TestNormalizeSiteHost(t *testing.T) {
	for in, want := range map[string]string{
		"Example.com": "example.com", "https://dl.example.com/path": "dl.example.com",
		"*.example.com": "*.example.com", "example.com:8080": "example.com", "[::1]:80": "::1",
		"": "", "*.": "", "a b": "", "*.*.x": "", "user@host": "",
	} {
		got, err := NormalizeSiteHost(in)
		if want == "" {
			if !errors.Is(err, ErrBadSettings) {
				t.Errorf("NormalizeSiteHost(%q) = %q, %v; want an error", in, got, err)
			}
			continue
		}
		if got != want || err != nil {
			t.Errorf("NormalizeSiteHost(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestApplySite(t *testing.T) {
	sites := []Site{{Host: "example.com", Connections: 2, SpeedLimit: 100, UserAgent: "UA/1", Referer: "https://example.com/",
		Headers: http.Header{"X-Token": {"t"}}}}
	o := ApplySite(sites, "https://example.com/f", Options{Headers: http.Header{"Referer": {"mine"}}})
	if o.Connections != 2 || o.SpeedLimit != 100 || o.Headers.Get("User-Agent") != "UA/1" ||
		o.Headers.Get("Referer") != "mine" || o.Headers.Get("X-Token") != "t" {
		t.Errorf("applied %+v", o)
	}
	if o := ApplySite(sites, "https://other.org/f", Options{Connections: 9}); o.Connections != 9 || o.Headers != nil {
		t.Errorf("another site got %+v", o)
	}
	bad := [][]Site{{{Host: "Example.com"}}, {{Host: "a.com"}, {Host: "a.com"}}, {{Host: "a.com", Connections: 99}},
		{{Host: "a.com", Headers: http.Header{"Cookie": {"x"}}}}}
	for _, s := range bad {
		if err := validateSites(s); !errors.Is(err, ErrBadSettings) {
			t.Errorf("validateSites(%+v) = %v", s, err)
		}
	}
}

// TestSitePerHostCap: a site's own cap replaces the general one for its
// hosts (with or without a port), and a learned lower cap still wins.
func TestSitePerHostCap(t *testing.T) {
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	set := m.Settings()
	set.Sites = []Site{{Host: "*.example.com", PerHost: 2}}
	if err := m.SetSettings(set); err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]int{"dl.example.com:443": 2, "example.com": 2, "other.org:80": DefaultPerHost} {
		if got := m.hosts.limit(host); got != want {
			t.Errorf("limit(%s) = %d, want %d", host, got, want)
		}
	}
	m.hosts.learn("dl.example.com:443", 1)
	if got := m.hosts.limit("dl.example.com:443"); got != 1 {
		t.Errorf("learned cap: %d, want 1", got)
	}
}
