package desktop

import (
	"bufio"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"haul/e2e/internal/e2etest"
)

// tools the desktop tests run, and the apt package each comes from.
var tools = map[string]string{
	"Xvfb":        "xvfb",
	"xdotool":     "xdotool",
	"import":      "imagemagick",
	"dbus-daemon": "dbus-daemon",
}

// needDesktop skips the test, saying why, unless everything is there.
func needDesktop(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("HAUL_E2E_BIN")
	if bin == "" {
		t.Skip("desktop e2e: set HAUL_E2E_BIN to a built haul binary (or run `make gui-e2e`)")
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("HAUL_E2E_BIN: %v", err)
	}
	var missing []string
	for tool, pkg := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, fmt.Sprintf("%s (apt: %s)", tool, pkg))
		}
	}
	if len(missing) > 0 {
		t.Skipf("desktop e2e: missing %s; `scripts/deps.sh gui-test` installs them", strings.Join(missing, ", "))
	}
	return bin
}

// desk is one private desktop: an X server, a session bus and a home.
type desk struct {
	t       *testing.T
	display int
	busAddr string
	home    string
	env     []string
}

// newDesk starts Xvfb on a free display and a session D-Bus, both
// stopped when the test ends, and makes a fresh HOME with XDG folders.
func newDesk(t *testing.T) *desk {
	t.Helper()
	// A short home: its Downloads folder shows in the screenshots.
	home, err := os.MkdirTemp("", "haul-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	d := &desk{t: t, home: home}
	for _, sub := range []string{"Downloads", ".config", ".cache", ".local/share", "runtime"} {
		if err := os.MkdirAll(filepath.Join(d.home, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	d.display = startXvfb(t)
	d.env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + d.home,
		"XDG_CONFIG_HOME=" + filepath.Join(d.home, ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(d.home, ".cache"),
		"XDG_DATA_HOME=" + filepath.Join(d.home, ".local/share"),
		"XDG_DATA_DIRS=" + filepath.Join(d.home, ".local/share"), // no system D-Bus services to activate
		"XDG_RUNTIME_DIR=" + filepath.Join(d.home, "runtime"),
		"DISPLAY=:" + strconv.Itoa(d.display),
		"LANG=en_US.UTF-8", // "C" makes Fyne log a locale error
		"NO_AT_BRIDGE=1",
	}
	d.busAddr = startBus(t, d.env)
	d.env = append(d.env, "DBUS_SESSION_BUS_ADDRESS="+d.busAddr)
	return d
}

// startProcess runs cmd in its own process group, which is killed (by
// its id) when the test ends. done is closed once cmd has exited.
func startProcess(t *testing.T, cmd *exec.Cmd) (done <-chan struct{}) {
	t.Helper()
	return e2etest.StartProcess(t, cmd)
}

// readLine reads one line from r within d.
func readLine(r io.Reader, d time.Duration) (string, error) {
	ch := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		s, err := bufio.NewReader(r).ReadString('\n')
		if err != nil {
			errc <- err
			return
		}
		ch <- strings.TrimSpace(s)
	}()
	select {
	case s := <-ch:
		return s, nil
	case err := <-errc:
		return "", err
	case <-time.After(d):
		return "", fmt.Errorf("nothing within %v", d)
	}
}

func startXvfb(t *testing.T) int {
	t.Helper()
	return e2etest.StartXvfb(t)
}

func startBus(t *testing.T, env []string) string {
	t.Helper()
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1")
	cmd.Env = env
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	startProcess(t, cmd)
	addr, err := readLine(out, 10*time.Second)
	if err != nil || addr == "" {
		t.Fatalf("dbus-daemon gave no address: %v", err)
	}
	return addr
}

// app is a running haul process.
type app struct {
	t    *testing.T
	d    *desk
	cmd  *exec.Cmd
	out  *e2etest.SyncBuffer
	done <-chan struct{}
}

// runApp starts haul --data dataDir args… on the desk. Its output is
// logged when the test fails.
func (d *desk) runApp(bin, dataDir string, args ...string) *app {
	t := d.t
	t.Helper()
	a := &app{t: t, d: d, out: &e2etest.SyncBuffer{}}
	// A free port for the RPC, so runs never meet on aria2's 6800.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	a.cmd = exec.Command(bin, append([]string{"--data", dataDir, "--rpc-port", strconv.Itoa(port)}, args...)...)
	a.cmd.Env = d.env
	a.cmd.Dir = d.home
	a.cmd.Stdout, a.cmd.Stderr = a.out, a.out
	a.done = startProcess(t, a.cmd)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("haul output:\n%s", a.out.String())
		}
	})
	return a
}

// dumpStacks makes a stuck haul print its goroutines (Go's SIGQUIT) and
// waits for it to exit, so the failing test's log shows where it hung.
func (a *app) dumpStacks() {
	if a.cmd.Process == nil || !a.running() {
		return
	}
	_ = a.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-a.done:
	case <-time.After(5 * time.Second):
	}
}

func (a *app) running() bool {
	select {
	case <-a.done:
		return false
	default:
		return true
	}
}

// xdotool runs xdotool on the desk's display.
func (d *desk) xdotool(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "xdotool", args...)
	cmd.Env = d.env
	out, err := cmd.Output()
	return strings.TrimSpace(string(out)), err
}

// window polls for a window named Haul (xdotool search --sync hangs
// here). visible limits it to mapped windows.
func (d *desk) window(visible bool, within time.Duration) (uint32, bool) {
	args := []string{"search"}
	if visible {
		args = append(args, "--onlyvisible")
	}
	args = append(args, "--name", "^Haul")
	deadline := time.Now().Add(within)
	for {
		out, _ := d.xdotool(args...)
		if line, _, _ := strings.Cut(out, "\n"); line != "" {
			id, err := strconv.ParseUint(line, 10, 32)
			if err == nil {
				return uint32(id), true
			}
		}
		if time.Now().After(deadline) {
			return 0, false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// screenshot writes the whole screen to path as PNG and returns it.
func (d *desk) screenshot(path string) image.Image {
	t := d.t
	t.Helper()
	cmd := exec.Command("import", "-window", "root", path)
	cmd.Env = d.env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", path, err)
	}
	return img
}

// geometry is a window's place on the screen.
func (d *desk) geometry(wid uint32) (image.Rectangle, error) {
	out, err := d.xdotool("getwindowgeometry", "--shell", strconv.FormatUint(uint64(wid), 10))
	if err != nil {
		return image.Rectangle{}, err
	}
	v := map[string]int{}
	for _, line := range strings.Split(out, "\n") {
		if k, val, ok := strings.Cut(line, "="); ok {
			v[k], _ = strconv.Atoi(val)
		}
	}
	if v["WIDTH"] == 0 || v["HEIGHT"] == 0 {
		return image.Rectangle{}, fmt.Errorf("no geometry in %q", out)
	}
	return image.Rect(v["X"], v["Y"], v["X"]+v["WIDTH"], v["Y"]+v["HEIGHT"]), nil
}

// windowShot screenshots the screen and keeps the window's rectangle,
// written to path as PNG.
func (d *desk) windowShot(wid uint32, path string) image.Image {
	t := d.t
	t.Helper()
	r, err := d.geometry(wid)
	if err != nil {
		t.Fatalf("window geometry: %v", err)
	}
	full := d.screenshot(path)
	img := full.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(r.Intersect(full.Bounds()))
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return img
}

// pixelStats returns the standard deviation of the luminance over img
// and how many distinct colours it has (counted up to 4096).
func pixelStats(img image.Image) (stddev float64, colours int) {
	b := img.Bounds()
	var sum, sq float64
	seen := map[uint32]bool{}
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			l := 0.299*float64(r>>8) + 0.587*float64(g>>8) + 0.114*float64(bl>>8)
			sum += l
			sq += l * l
			n++
			if len(seen) < 4096 {
				seen[r>>8<<16|g>>8<<8|bl>>8] = true
			}
		}
	}
	mean := sum / float64(n)
	return math.Sqrt(sq/float64(n) - mean*mean), len(seen)
}
