package desktop

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"haul/downloader/testserver"
	"haul/e2e/internal/e2etest"
)

// TestDesktopDownload runs the real app with a fresh --data folder on a
// private X display and session bus: it downloads a file given on the
// command line from the local test server, registers a tray item whose
// menu has the expected entries, keeps downloading with its window closed
// to the tray, announces the finished file, comes back from the tray menu
// for a screenshot, and quits from the tray menu.
func TestDesktopDownload(t *testing.T) {
	bin := needDesktop(t)
	began := time.Now()
	d := newDesk(t)
	fake := newFakeDesktop(t, d.busAddr)

	// 96 MiB at 1 MiB/s per connection: six seconds even on 16
	// connections, so the window is closed while bytes still flow.
	const name = "haul-e2e.bin"
	file := testserver.File{Size: 96 << 20, Seed: 42}
	srv := testserver.New(testserver.WithFile("/"+name, file), testserver.WithPerConnRate(1<<20))
	t.Cleanup(srv.Close)
	final := filepath.Join(d.home, "Downloads", name)

	a := d.runApp(bin, filepath.Join(d.home, "haul-data"), srv.URL("/"+name))
	wid, ok := d.window(true, 20*time.Second)
	if !ok {
		t.Fatalf("no window named Haul within 20 s (running: %v)", a.running())
	}
	t.Logf("window %d after %v", wid, time.Since(began).Round(time.Millisecond))

	// The tray item registers with the watcher the test owns.
	if !e2etest.WaitFor(10*time.Second, func() bool { return len(fake.Items()) > 0 }) {
		t.Fatal("no RegisterStatusNotifierItem call within 10 s")
	}
	item := fake.Items()[0]
	var pid uint32
	if err := d.busObject(fake).Call("org.freedesktop.DBus.GetConnectionUnixProcessID", 0, item.Sender).Store(&pid); err != nil {
		t.Fatal(err)
	}
	if int(pid) != a.cmd.Process.Pid {
		t.Errorf("tray item registered by pid %d, want haul's %d", pid, a.cmd.Process.Pid)
	}
	_, menu, err := fake.trayMenu(item)
	if err != nil {
		t.Fatal(err)
	}
	// The item is titled Haul (not its app ID) and its tooltip gives the
	// total speed while downloading.
	sni := fake.conn.Object(item.Sender, "/StatusNotifierItem")
	if v, err := sni.GetProperty("org.kde.StatusNotifierItem.Title"); err != nil || v.Value() != "Haul" {
		t.Errorf("tray title %v (%v), want Haul", v.Value(), err)
	}
	if !e2etest.WaitFor(5*time.Second, func() bool {
		v, err := sni.GetProperty("org.kde.StatusNotifierItem.ToolTip")
		return err == nil && strings.Contains(fmt.Sprint(v.Value()), "Haul — ") && strings.Contains(fmt.Sprint(v.Value()), "/s")
	}) {
		v, _ := sni.GetProperty("org.kde.StatusNotifierItem.ToolTip")
		t.Errorf("tray tooltip %v, want Haul and the speed", v.Value())
	}
	var labels []string
	for _, m := range menu {
		if m.Type != "separator" {
			labels = append(labels, m.Label)
		}
	}
	t.Logf("tray menu: %q", labels)
	for _, want := range []string{"Show Haul", "Pause all", "Resume all", "Quit"} {
		if !slices.Contains(labels, want) {
			t.Errorf("tray menu %q lacks %q", labels, want)
		}
	}

	// Closing the window hides it to the tray; the download goes on.
	if err := closeWindow(d.display, wid); err != nil {
		t.Fatalf("send WM_DELETE_WINDOW: %v", err)
	}
	if !e2etest.WaitFor(5*time.Second, func() bool { _, shown := d.window(true, 0); return !shown }) {
		t.Fatal("the window is still shown 5 s after it was asked to close")
	}
	if _, err := os.Stat(final); err == nil {
		t.Fatal("the download finished before the window was closed: the test proves nothing (make the file bigger)")
	}
	time.Sleep(300 * time.Millisecond)
	if !a.running() {
		t.Fatal("haul exited when its window was closed, with close-to-tray on")
	}
	if _, hidden := d.window(false, 0); !hidden {
		t.Error("the window was destroyed, not hidden")
	}
	t.Logf("window closed to the tray after %v", time.Since(began).Round(time.Millisecond))

	// The file completes while hidden, with the right bytes.
	if !e2etest.WaitFor(45*time.Second, func() bool {
		st, err := os.Stat(final)
		return err == nil && st.Size() == file.Size
	}) {
		t.Fatalf("%s not complete within 45 s", final)
	}
	if sum, err := testserver.FileSHA256(final); err != nil || sum != file.SHA256() {
		t.Fatalf("SHA-256 of %s = %s (%v), want %s", final, sum, err, file.SHA256())
	}
	if !a.running() {
		t.Fatal("haul exited while hidden")
	}
	t.Logf("downloaded while hidden, verified after %v", time.Since(began).Round(time.Millisecond))

	// One notification names the file.
	var note notification
	if !e2etest.WaitFor(10*time.Second, func() bool {
		for _, n := range fake.Notes() {
			if n.Summary == name {
				note = n
				return true
			}
		}
		return false
	}) {
		t.Fatalf("no notification with summary %q; got %+v", name, fake.Notes())
	}
	if want := "Downloaded 96.0 MiB to Downloads"; note.Body != want {
		t.Errorf("notification body %q, want %q", note.Body, want)
	}
	if note.AppIcon == "" {
		t.Error("notification has no icon")
	}
	if note.AppName != "Haul" {
		t.Errorf("notification from %q, want Haul", note.AppName)
	}
	if note.Timeout != -1 {
		t.Errorf("notification timeout %d, want -1 (the desktop's default)", note.Timeout)
	}
	if got := strings.Join(note.Actions, "|"); got != "open|Open|folder|Show in folder" {
		t.Errorf("notification actions %q, want Open and Show in folder", got)
	}
	if n := len(fake.Notes()); n != 1 {
		t.Errorf("%d notifications, want 1: %+v", n, fake.Notes())
	}

	// "Show Haul" in the tray menu brings the window back.
	if err := fake.clickMenu(item, "Show Haul"); err != nil {
		t.Fatalf("click Show Haul: %v", err)
	}
	wid, ok = d.window(true, 5*time.Second)
	if !ok {
		t.Fatal("Show Haul did not show the window")
	}
	time.Sleep(700 * time.Millisecond) // a frame or two with the final state
	shot := os.Getenv("HAUL_E2E_SHOT")
	if shot == "" {
		shot = filepath.Join(t.TempDir(), "gui-e2e.png")
	}
	img := d.windowShot(wid, shot)
	dev, colours := pixelStats(img)
	t.Logf("screenshot %s: %v, luminance σ %.1f, %d colours", shot, img.Bounds().Size(), dev, colours)
	if dev < 8 || colours < 16 {
		t.Errorf("screenshot looks blank: luminance σ %.1f, %d colours", dev, colours)
	}

	// "Quit" ends the process cleanly.
	if err := fake.clickMenu(item, "Quit"); err != nil {
		t.Fatalf("click Quit: %v", err)
	}
	select {
	case <-a.done:
		if code := a.cmd.ProcessState.ExitCode(); code != 0 {
			t.Errorf("haul exited with %d after Quit", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("haul still runs 10 s after Quit")
	}
	if out := a.out.String(); strings.Contains(out, "systray error") {
		t.Errorf("the tray logged errors:\n%s", out)
	}
	t.Logf("total %v", time.Since(began).Round(time.Millisecond))
}

// busObject is the bus daemon itself, for GetConnectionUnixProcessID.
func (d *desk) busObject(f *fakeDesktop) dbus.BusObject {
	return f.conn.BusObject()
}
