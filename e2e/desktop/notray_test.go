package desktop

import (
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"haul/downloader/testserver"
	"haul/e2e/internal/e2etest"
)

// TestDesktopNoTray runs the app on a desktop with no tray host (no
// StatusNotifierWatcher on the bus, as on stock GNOME): it registers no
// tray item, closing the window asks instead of making Haul vanish, Esc
// keeps the window, and "Keep downloading" (Enter) hides it while the
// download completes; starting Haul again shows it. HAUL_DOCS_SHOTS also saves the question as
// docs/close-no-tray.png.
func TestDesktopNoTray(t *testing.T) {
	bin := needDesktop(t)
	d := newDesk(t)
	const name = "no-tray.bin"
	file := testserver.File{Size: 48 << 20, Seed: 7}
	srv := testserver.New(testserver.WithFile("/"+name, file), testserver.WithPerConnRate(512<<10))
	t.Cleanup(srv.Close)
	final := filepath.Join(d.home, "Downloads", name)

	a := d.runApp(bin, filepath.Join(d.home, "haul-data"), srv.URL("/"+name))
	wid, ok := d.window(true, 20*time.Second)
	if !ok {
		t.Fatal("no window")
	}
	time.Sleep(time.Second)

	conn, err := dbus.Connect(d.busAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var names []string
	if err := conn.BusObject().Call("org.freedesktop.DBus.ListNames", 0).Store(&names); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if strings.HasPrefix(n, "org.kde.StatusNotifierItem") {
			t.Errorf("a tray item %s was registered with no tray host", n)
		}
	}

	ask := func() {
		t.Helper()
		if err := closeWindow(d.display, wid); err != nil {
			t.Fatalf("send WM_DELETE_WINDOW: %v", err)
		}
		time.Sleep(800 * time.Millisecond)
		if _, shown := d.window(true, 0); !shown || !a.running() {
			t.Fatalf("closing with a download running and no tray: window shown %v, running %v", shown, a.running())
		}
	}
	ask()
	if out := os.Getenv("HAUL_DOCS_SHOTS"); out != "" {
		dir := docsDir(t)
		var img image.Image = d.windowShot(wid, filepath.Join(dir, "close-no-tray.png"))
		checkShot(t, img, "close-no-tray.png")
	}
	d.xdotool("key", "Escape") // keep the window
	time.Sleep(500 * time.Millisecond)
	if _, shown := d.window(true, 0); !shown {
		t.Fatal("Esc on the question hid the window")
	}

	ask()
	d.xdotool("key", "Return") // the default: keep downloading in the background
	if !e2etest.WaitFor(5*time.Second, func() bool { _, shown := d.window(true, 0); return !shown }) {
		t.Fatal("Keep downloading did not hide the window")
	}
	if !e2etest.WaitFor(60*time.Second, func() bool {
		st, err := os.Stat(final)
		return err == nil && st.Size() == file.Size
	}) {
		t.Fatalf("%s not complete within 60 s in the background", final)
	}
	if !a.running() {
		t.Fatal("haul exited")
	}
	// As the question says: opening Haul again shows the window.
	d.runApp(bin, filepath.Join(d.home, "haul-data"))
	if _, shown := d.window(true, 20*time.Second); !shown {
		t.Error("starting Haul again did not show the hidden window")
	}
}
