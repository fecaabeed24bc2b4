package nmhost

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestSeenRoundTrip(t *testing.T) {
	dir := t.TempDir()
	t1 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := RecordSeen(dir, "chromium", t1); err != nil {
		t.Fatal(err)
	}
	RecordSeen(dir, "firefox", t1.Add(time.Hour))
	RecordSeen(dir, "chromium", t1.Add(2*time.Hour))
	got := LastSeen(dir)
	if len(got) != 2 || !got["chromium"].Equal(t1.Add(2*time.Hour)) || !got["firefox"].Equal(t1.Add(time.Hour)) {
		t.Errorf("LastSeen = %v", got)
	}
	if len(LastSeen(filepath.Join(dir, "nothing"))) != 0 {
		t.Error("a missing folder has contacts")
	}
}

func TestBrowserKey(t *testing.T) {
	tests := []struct{ exe, claimed, want string }{
		{"/usr/lib/chromium/chromium", "Chromium", "chromium"},
		{"/opt/google/chrome/chrome", "Chromium", "chrome"},
		{`C:\Program Files\Microsoft\Edge\Application\msedge.exe`, "", "edge"},
		{"/usr/lib/firefox-esr/firefox-esr", "firefox", "firefox"},
		{"", "Google Chrome", "chrome"},
		{"", "Microsoft Edge", "edge"},
		{"/usr/bin/bash", "", "unknown"},
		{"", "", "unknown"},
	}
	for _, tt := range tests {
		if got := BrowserKey(filepath.FromSlash(tt.exe), tt.claimed); got != tt.want {
			t.Errorf("BrowserKey(%q, %q) = %q, want %q", tt.exe, tt.claimed, got, tt.want)
		}
	}
}

// TestExtensionIDMatchesKey: ExtensionID is what Chromium derives from the
// manifest's key, so manifests allow the extension that is really loaded.
func TestExtensionIDMatchesKey(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "browser", "extension", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Key      string `json:"key"`
		Specific struct {
			Gecko struct {
				ID string `json:"id"`
			} `json:"gecko"`
		} `json:"browser_specific_settings"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	der, err := base64.StdEncoding.DecodeString(m.Key)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(der)
	id := strings.Map(func(r rune) rune {
		if r <= '9' {
			return 'a' + r - '0'
		}
		return 'a' + 10 + r - 'a'
	}, hex.EncodeToString(sum[:16]))
	if id != ExtensionID {
		t.Errorf("the manifest key gives ID %s, ExtensionID is %s", id, ExtensionID)
	}
	if m.Specific.Gecko.ID != GeckoID {
		t.Errorf("gecko id %q, GeckoID is %q", m.Specific.Gecko.ID, GeckoID)
	}
}
