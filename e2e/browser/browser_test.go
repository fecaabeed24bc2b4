package browser

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"haul/e2e/internal/e2etest"
	"haul/nmhost"
)

// session is one private desktop with Haul's registration, one Chromium
// and the test site.
type session struct {
	t       *testing.T
	bin     string
	home    string
	tmp     string
	env     []string
	site    *site
	chrome  []string
	dataDir string
}

func needTools(t *testing.T, browser string) string {
	t.Helper()
	bin := os.Getenv("HAUL_E2E_BIN")
	if bin == "" {
		t.Skip("browser e2e: set HAUL_E2E_BIN to a built haul binary (or run `make test-browser`)")
	}
	for _, tool := range []string{browser, "Xvfb"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("browser e2e: %s missing; `scripts/deps.sh browser-test` installs it", tool)
		}
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

func newSession(t *testing.T, browser string) *session {
	bin := needTools(t, browser)
	home, err := os.MkdirTemp("", "haul-browser-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	s := &session{t: t, bin: bin, home: home, tmp: filepath.Join(home, "tmp"), site: newSite(t)}
	s.dataDir = filepath.Join(home, ".config", "Haul")
	// ~/.config/chromium and ~/.mozilla exist, so Haul registers its host
	// there at start.
	for _, d := range []string{"Downloads", ".config/chromium", ".mozilla", "tmp", "runtime"} {
		if err := os.MkdirAll(filepath.Join(home, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	display := e2etest.StartXvfb(t)
	s.env = []string{"HOME=" + home, "TMPDIR=" + s.tmp, "DISPLAY=:" + strconv.Itoa(display),
		"PATH=" + os.Getenv("PATH"), "LANG=en_US.UTF-8", "XDG_RUNTIME_DIR=" + filepath.Join(home, "runtime")}
	ext := extensionDir()
	s.chrome = []string{"--user-data-dir=" + filepath.Join(home, ".config", "chromium"), "--no-sandbox", "--no-first-run",
		"--no-default-browser-check", "--password-store=basic", "--disable-gpu", "--disable-dev-shm-usage",
		"--load-extension=" + ext, "--disable-extensions-except=" + ext}
	return s
}

// startHaul runs Haul as a person would, with the default data folder.
func (s *session) startHaul() (done <-chan struct{}) {
	s.t.Helper()
	cmd := exec.Command(s.bin)
	cmd.Env = s.env
	out := &e2etest.SyncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	done = e2etest.StartProcess(s.t, cmd)
	s.t.Cleanup(func() {
		if s.t.Failed() {
			s.t.Logf("haul output:\n%s", out.String())
		}
	})
	if !e2etest.WaitFor(20*time.Second, func() bool { return s.instancePID() > 0 }) {
		s.t.Fatalf("haul did not start:\n%s", out.String())
	}
	return done
}

// instancePID is the running Haul's pid from its instance file, or 0.
func (s *session) instancePID() int {
	var in struct{ PID int }
	b, err := os.ReadFile(filepath.Join(s.dataDir, "instance.json"))
	if err != nil || json.Unmarshal(b, &in) != nil {
		return 0
	}
	return in.PID
}

// startChromium starts the one browser of the session.
func (s *session) startChromium() {
	s.t.Helper()
	cmd := exec.Command("chromium", append(s.chrome, "about:blank")...)
	cmd.Env = s.env
	out := &e2etest.SyncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	e2etest.StartProcess(s.t, cmd)
	s.t.Cleanup(func() {
		if s.t.Failed() {
			s.t.Logf("chromium output (last 4 KiB):\n%s", tail(out.String(), 4096))
		}
	})
}

// open hands url to the running Chromium (a second invocation returns at once).
func (s *session) open(url string) {
	s.t.Helper()
	cmd := exec.Command("chromium", append(s.chrome, url)...)
	cmd.Env = s.env
	if out, err := cmd.CombinedOutput(); err != nil {
		s.t.Fatalf("chromium %s: %v\n%s", url, err, out)
	}
}

func (s *session) manifest() string {
	return filepath.Join(s.home, ".config", "chromium", "NativeMessagingHosts", nmhost.HostName+".json")
}

// waitFile waits until ~/Downloads/name holds the site's bytes for name.
func (s *session) waitFile(name string) bool {
	want, path := sum(name), filepath.Join(s.home, "Downloads", name)
	return e2etest.WaitFor(60*time.Second, func() bool { return hashOf(path) == want })
}

// checkClean asserts one copy of name in ~/Downloads and no partial or
// staged file anywhere in HOME or TMPDIR.
func (s *session) checkClean(name string) {
	s.t.Helper()
	var copies []string
	want := sum(name)
	filepath.WalkDir(s.home, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(p, filepath.Join(s.home, ".config")) {
			return nil
		}
		base := d.Name()
		switch {
		case strings.HasSuffix(base, ".crdownload"), strings.HasPrefix(base, ".org.chromium.Chromium.") && d.Type().IsRegular(),
			strings.HasSuffix(base, ".part"):
			s.t.Errorf("a partial or staged file was left: %s", p)
		case strings.HasPrefix(p, s.tmp+string(filepath.Separator)) && d.Type().IsRegular():
			s.t.Errorf("a file was left in $TMPDIR: %s", p)
		case hashOf(p) == want:
			copies = append(copies, p)
		}
		return nil
	})
	path := filepath.Join(s.home, "Downloads", name)
	if len(copies) != 1 || copies[0] != path {
		s.t.Errorf("copies of %s: %q, want exactly %s", name, copies, path)
	}
}

// TestBrowserCapture is `make test-browser`: one Chromium session, three cases.
func TestBrowserCapture(t *testing.T) {
	s := newSession(t, "chromium")
	haul := s.startHaul()
	if _, err := os.Stat(s.manifest()); err != nil {
		t.Fatalf("Haul did not register its host with Chromium at start: %v", err)
	}
	s.startChromium()
	// The worker's first message to the host is the sign it is up; a
	// download before that would not be caught.
	seen := filepath.Join(s.dataDir, "browser-seen", "chromium.json")
	if !e2etest.WaitFor(30*time.Second, func() bool { _, err := os.Stat(seen); return err == nil }) {
		t.Fatal("the extension's worker never said hello to the host")
	}

	t.Run("running", func(t *testing.T) {
		s.t = t
		s.open(s.site.url + "/page/running.bin")
		if !s.waitFile("running.bin") {
			t.Fatalf("Haul did not download running.bin (requests: %+v)", s.site.requests("running.bin"))
		}
		s.site.checkHaulRequests(t, "running.bin", "/page/running.bin")
		s.checkClean("running.bin")
	})

	// The host manifest missing: the browser keeps the download.
	t.Run("no-host", func(t *testing.T) {
		s.t = t
		saved, err := os.ReadFile(s.manifest())
		if err != nil {
			t.Fatal(err)
		}
		os.Remove(s.manifest())
		defer os.WriteFile(s.manifest(), saved, 0o644)
		s.open(s.site.url + "/page/kept.bin")
		if !s.waitFile("kept.bin") {
			t.Fatalf("the browser did not keep kept.bin (requests: %+v)", s.site.requests("kept.bin"))
		}
		for _, q := range s.site.requests("kept.bin") {
			if q.Range != "" {
				t.Errorf("Haul fetched kept.bin though its host was missing: %+v", q)
			}
		}
		e2etest.WaitFor(10*time.Second, func() bool { return noneMatch(s.home, ".crdownload") })
		s.checkClean("kept.bin")
		// The extension says why: its last result, in its storage (LevelDB
		// keeps fresh writes as plain bytes in its log).
		store := filepath.Join(s.home, ".config", "chromium", "Default", "Local Extension Settings", nmhost.ExtensionID)
		if !e2etest.WaitFor(10*time.Second, func() bool { return dirContains(store, "host is not set up in this browser") }) {
			t.Error("the extension did not record why the browser kept the download")
		}
	})

	// Haul not running: the host starts it hidden and hands over.
	t.Run("not-running", func(t *testing.T) {
		s.t = t
		pid := s.instancePID()
		syscall.Kill(pid, syscall.SIGTERM)
		<-haul
		s.open(s.site.url + "/page/started.bin")
		if !s.waitFile("started.bin") {
			t.Fatalf("started.bin was not downloaded (requests: %+v)", s.site.requests("started.bin"))
		}
		if p := s.instancePID(); p == 0 || p == pid {
			t.Errorf("no new Haul was started (pid %d, before %d)", p, pid)
		} else {
			t.Cleanup(func() { syscall.Kill(p, syscall.SIGKILL) })
		}
		s.site.checkHaulRequests(t, "started.bin", "/page/started.bin")
		s.checkClean("started.bin")
		// Started for the browser, Haul goes to the tray only where a tray
		// host runs; this session bus has none (no StatusNotifierWatcher),
		// so the window must show: hidden, it could not be found again.
		// The tray case is TestDesktopHiddenWhenDoneQuit's.
		if _, err := exec.LookPath("xdotool"); err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, "xdotool", "search", "--sync", "--onlyvisible", "--name", "^Haul$")
			cmd.Env = s.env
			if out, _ := cmd.Output(); len(strings.TrimSpace(string(out))) == 0 {
				t.Errorf("the Haul started by the host on a desktop without a tray shows no window")
			}
		}
	})
}

// extensionDir is browser/extension in this repository.
func extensionDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "browser", "extension")
}

func hashOf(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// dirContains reports whether a file in dir contains text.
func dirContains(dir, text string) bool {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && strings.Contains(string(b), text) {
			return true
		}
	}
	return false
}

func noneMatch(root, suffix string) bool {
	found := false
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, suffix) {
			found = true
		}
		return nil
	})
	return !found
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
