package browser

import (
	"archive/zip"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"haul/e2e/internal/e2etest"
	"haul/nmhost"
)

// TestFirefoxCapture: Firefox ESR with the extension as an unsigned .xpi in
// a fresh profile hands a cookie-protected download to the running Haul.
// Firefox cannot be handed URLs here (its remote needs a session D-Bus), so
// it starts on a page that waits for the extension's hello.
func TestFirefoxCapture(t *testing.T) {
	s := newSession(t, "firefox-esr")
	s.startHaul()
	manifest := filepath.Join(s.home, ".mozilla", "native-messaging-hosts", nmhost.HostName+".json")
	if _, err := os.Stat(manifest); err != nil {
		t.Fatalf("Haul did not register its host with Firefox at start: %v", err)
	}
	profile := filepath.Join(s.home, "profile")
	if err := os.MkdirAll(filepath.Join(profile, "extensions"), 0o700); err != nil {
		t.Fatal(err)
	}
	packXPI(t, extensionDir(), filepath.Join(profile, "extensions", nmhost.GeckoID+".xpi"))
	prefs := `user_pref("xpinstall.signatures.required", false);
user_pref("extensions.autoDisableScopes", 0);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("browser.aboutwelcome.enabled", false);
`
	if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(prefs), 0o600); err != nil {
		t.Fatal(err)
	}
	seen := filepath.Join(s.dataDir, "browser-seen", "firefox.json")
	s.site.ready = func() bool { _, err := os.Stat(seen); return err == nil }

	cmd := exec.Command("firefox-esr", "--profile", profile, "--no-remote", s.site.url+"/wait/firefox.bin")
	cmd.Env = s.env
	out := &e2etest.SyncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	e2etest.StartProcess(t, cmd)
	if !s.waitFile("firefox.bin") {
		t.Fatalf("Haul did not download firefox.bin (hello seen: %v; requests: %+v)\n%s",
			s.site.ready(), s.site.requests("firefox.bin"), tail(out.String(), 4096))
	}
	s.site.checkHaulRequests(t, "firefox.bin", "/wait/firefox.bin")
	// Firefox writes its cancelled copy as firefox.bin.part; the extension
	// erased it.
	e2etest.WaitFor(10*time.Second, func() bool { return noneMatch(s.home, "firefox.bin.part") })
	s.checkClean("firefox.bin")
}

// packXPI zips the extension folder into an .xpi.
func packXPI(t *testing.T, dir, dst string) {
	t.Helper()
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		w, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		defer src.Close()
		_, err = io.Copy(w, src)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatalf("pack the .xpi: %v", err)
	}
}
