package gui

import (
	"testing"

	"haul/downloader"
)

// TestDisplayNameDecoded: before the probe names the file, the guess from
// the URL is shown decoded, as the file will be called.
func TestDisplayNameDecoded(t *testing.T) {
	cases := []struct{ url, name, want string }{
		{"https://example.com/A%20very%20long%20file%20name.iso", "", "A very long file name.iso"},
		{"https://example.com/%E4%B8%8B%E8%BD%BD.zip?x=1#f", "", "下载.zip"},
		{"https://example.com/a+b.txt", "", "a+b.txt"},
		{"https://example.com/bad%zz.bin", "", "bad%zz.bin"}, // not valid escaping: shown as is
		{"https://example.com/%FF.bin", "", "%FF.bin"},       // not UTF-8: shown as is
		{"https://example.com/", "", "example.com"},
		{"https://example.com", "", "https://example.com"},
		{"https://example.com/x%20y.bin", "server name.bin", "server name.bin"},
	}
	for _, tc := range cases {
		s := downloader.Snapshot{URL: tc.url, Name: tc.name}
		if got := displayName(&s); got != tc.want {
			t.Errorf("displayName(%q) = %q, want %q", tc.url, got, tc.want)
		}
	}
}

// TestUnknownWaitIsNotDownloading: a wait phase this window has no
// sentence for reads as waiting, never as downloading.
func TestUnknownWaitIsNotDownloading(t *testing.T) {
	LoadTranslations("en")
	s := downloader.Snapshot{State: downloader.StateActive, Phase: downloader.Phase("waiting for a fresh link")}
	if got := statusText(&s); got != "Waiting…" {
		t.Errorf("status %q, want Waiting…", got)
	}
}
