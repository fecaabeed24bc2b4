package desktop

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"haul/downloader"
	"haul/downloader/store"
	"haul/downloader/testserver"
	"haul/e2e/internal/e2etest"
)

// docsDir returns where the docs screenshots go: HAUL_DOCS_SHOTS names
// the folder, or is 1 for docs/. Unset, the test is skipped.
func docsDir(t *testing.T) string {
	t.Helper()
	out := os.Getenv("HAUL_DOCS_SHOTS")
	if out == "" {
		t.Skip("set HAUL_DOCS_SHOTS=1 (or a folder) to rewrite the screenshots in docs/")
	}
	if out == "1" {
		out = filepath.Join("..", "..", "docs")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	return out
}

// needDocsTool fails, rather than skips, when a tool only the docs
// screenshots use is missing: asking for them and getting none is an error.
func needDocsTool(t *testing.T, tool, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Fatalf("docs screenshots need %s (apt: %s); `scripts/deps.sh docs-shots` installs it", tool, pkg)
	}
}

// checkShot fails when a screenshot is nearly one colour: a window that
// did not draw.
func checkShot(t *testing.T, img image.Image, name string) {
	t.Helper()
	dev, colours := pixelStats(img)
	t.Logf("%s: %v, σ %.1f, %d colours", name, img.Bounds().Size(), dev, colours)
	if dev < 8 || colours < 16 {
		t.Errorf("%s looks blank", name)
	}
}

// TestDocsScreenshots writes docs/window.png, docs/add-dialog.png,
// docs/settings.png and docs/window-zh.png from the real app with tasks in
// every state. It runs only with HAUL_DOCS_SHOTS set (see docsDir);
// `make docs-shots` runs it.
func TestDocsScreenshots(t *testing.T) {
	out := docsDir(t)
	bin := needDesktop(t)
	// Fyne's bundled font has no CJK glyphs; it falls back to a system
	// font per glyph, so without one window-zh.png would show boxes.
	needDocsTool(t, "fc-list", "fontconfig")
	if zh, _ := exec.Command("fc-list", ":lang=zh", "family").Output(); len(bytes.TrimSpace(zh)) == 0 {
		t.Fatal("no Chinese font for window-zh.png (apt: fonts-wqy-microhei); `scripts/deps.sh docs-shots` installs it")
	}
	d := newDesk(t)
	newFakeDesktop(t, d.busAddr) // a tray host and a quiet notification server

	files := map[string]testserver.File{
		"/dl/go1.26.8.linux-amd64.tar.gz":                   {Size: 75 << 20, Seed: 1},
		"/releases/ubuntu-24.04.1-desktop-amd64.iso":        {Size: 700 << 20, Seed: 2},
		"/blender/blender-4.2.3-linux-x64.tar.xz":           {Size: 340 << 20, Seed: 3},
		"/haul/haul-0.1.0-windows-amd64.zip":                {Size: 12 << 20, Seed: 4},
		"/debian/debian-12.8.0-amd64-netinst.iso":           {Size: 630 << 20, Seed: 5},
		"/fedora/Fedora-Workstation-Live-x86_64-41-1.4.iso": {Size: 2200 << 20, Seed: 6},
	}
	var opts []testserver.Option
	for p, f := range files {
		opts = append(opts, testserver.WithFile(p, f))
	}
	srv := testserver.New(opts...)
	t.Cleanup(srv.Close)

	data := filepath.Join(d.home, "haul-data")
	seed(t, srv, data, filepath.Join(d.home, "Downloads"))

	// One run for the window and the settings, one for the add dialog:
	// dialogs have no key to close them.
	a, wid := d.openFocused(t, bin, data, "no window")
	check := func(img image.Image, name string) { t.Helper(); checkShot(t, img, name) }
	// The list at a common laptop size and at a small one.
	sized := func(d *desk, wid uint32, name string, w, h int) {
		t.Helper()
		d.xdotool("windowsize", strconv.FormatUint(uint64(wid), 10), strconv.Itoa(w), strconv.Itoa(h))
		time.Sleep(1500 * time.Millisecond) // laid out and a progress tick drawn
		check(d.windowShot(wid, filepath.Join(out, name)), name)
	}
	// Small: nothing selected, so the list has the whole height.
	sized(d, wid, "window-1024.png", 1024, 640)
	d.xdotool("key", "Down", "Down") // select the running task, the second row
	time.Sleep(5 * time.Second)      // let it ramp up its connections
	sized(d, wid, "window.png", 1280, 800)

	d.xdotool("key", "ctrl+comma")
	time.Sleep(time.Second)
	check(d.windowShot(wid, filepath.Join(out, "settings.png")), "settings.png")
	_ = syscall.Kill(a.cmd.Process.Pid, syscall.SIGKILL)
	<-a.done

	a, wid = d.openFocused(t, bin, data, "no window the second time")
	d.xdotool("key", "ctrl+n")
	time.Sleep(700 * time.Millisecond)
	for i, link := range []string{
		"https://cdimage.debian.org/debian-cd/current/amd64/iso-cd/debian-12.8.0-amd64-netinst.iso",
		"https://download.fedoraproject.org/pub/fedora/linux/releases/41/Workstation/x86_64/iso/Fedora-Workstation-Live-x86_64-41-1.4.iso",
		"ftp://example.com/old.zip",
	} {
		if i > 0 {
			d.xdotool("key", "Return") // xdotool type sends "\n" as Linefeed, which GLFW ignores
		}
		d.xdotool("type", "--delay", "2", link)
	}
	time.Sleep(700 * time.Millisecond)
	check(d.windowShot(wid, filepath.Join(out, "add-dialog.png")), "add-dialog.png")
	_ = syscall.Kill(a.cmd.Process.Pid, syscall.SIGKILL)
	<-a.done

	// The same tasks on a Chinese desktop: the language setting stays
	// "System default", as most users leave it, so Fyne's own strings
	// follow the locale too.
	zh := *d
	zh.env = append(slices.Clone(d.env), "LANG=zh_CN.UTF-8") // the last LANG wins
	a, wid = zh.openFocused(t, bin, data, "no window in Chinese")
	sized(&zh, wid, "window-zh-1024.png", 1024, 640)
	zh.xdotool("key", "Down", "Down")
	time.Sleep(5 * time.Second)
	sized(&zh, wid, "window-zh.png", 1280, 800)
	_ = syscall.Kill(a.cmd.Process.Pid, syscall.SIGKILL)
	<-a.done
}

// dunstrc draws notifications in the colours of Fyne's dark theme, and
// keeps them until the screenshot is taken.
const dunstrc = `[global]
    monitor = 0
    follow = none
    origin = top-right
    offset = 24x24
    width = 380
    height = 160
    padding = 14
    horizontal_padding = 14
    text_icon_padding = 14
    frame_width = 1
    frame_color = "#3d3f45"
    separator_height = 0
    corner_radius = 8
    font = DejaVu Sans 11
    markup = full
    format = "<b>%s</b>\n%b"
    icon_position = left
    min_icon_size = 48
    max_icon_size = 48
    show_indicators = no
    ignore_dbusclose = true
[urgency_low]
    background = "#2a2b30"
    foreground = "#e8e8e8"
    timeout = 0
[urgency_normal]
    background = "#2a2b30"
    foreground = "#e8e8e8"
    timeout = 0
`

// TestDocsNotification writes docs/notification.png: the desktop
// notification Haul sends when a download completes, drawn by dunst (a
// real notification daemon) on the test's bus, over the window.
func TestDocsNotification(t *testing.T) {
	out := docsDir(t)
	bin := needDesktop(t)
	needDocsTool(t, "dunst", "dunst")
	d := newDesk(t)
	newFakeTray(t, d.busAddr) // a tray host; dunst owns org.freedesktop.Notifications

	conf := filepath.Join(d.home, "dunstrc")
	if err := os.WriteFile(conf, []byte(dunstrc), 0o600); err != nil {
		t.Fatal(err)
	}
	dunst := exec.Command("dunst", "-config", conf)
	// gdk-pixbuf tells a PNG by its MIME type, from /usr/share/mime: without
	// it dunst draws no icon. Only the bus's own XDG_DATA_DIRS matters for
	// activation, so this lets no system service in.
	dunst.Env = append(slices.Clone(d.env), "XDG_DATA_DIRS=/usr/local/share:/usr/share")
	var dunstOut e2etest.SyncBuffer
	dunst.Stdout, dunst.Stderr = &dunstOut, &dunstOut
	startProcess(t, dunst)
	bus, err := dbus.Connect(d.busAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	// Haul would find no server and send nothing if it started first.
	if !e2etest.WaitFor(10*time.Second, func() bool {
		var has bool
		err := bus.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.freedesktop.Notifications").Store(&has)
		return err == nil && has
	}) {
		t.Fatalf("dunst did not take org.freedesktop.Notifications:\n%s", dunstOut.String())
	}

	// Slow enough that the window is up and moved before the download
	// ends and the bubble is drawn over it.
	const path = "/dl/go1.26.8.linux-amd64.tar.gz"
	srv := testserver.New(testserver.WithFile(path, testserver.File{Size: 75 << 20, Seed: 1}),
		testserver.WithPerConnRate(2<<20))
	t.Cleanup(srv.Close)
	a := d.runApp(bin, filepath.Join(d.home, "haul-data"), srv.URL(path))
	wid, ok := d.window(true, 20*time.Second)
	if !ok {
		t.Fatalf("no window (running: %v)", a.running())
	}
	// Against the right edge of the 1280 px screen (startXvfb), where
	// dunst draws, so the bubble lies over the window, not on bare black.
	if win, err := d.geometry(wid); err == nil {
		d.xdotool("windowmove", strconv.FormatUint(uint64(wid), 10), strconv.Itoa(1280-win.Dx()), "0")
	}
	var note uint32
	if !e2etest.WaitFor(60*time.Second, func() bool {
		out, _ := d.xdotool("search", "--onlyvisible", "--class", "^Dunst$")
		id, err := strconv.ParseUint(strings.SplitN(out, "\n", 2)[0], 10, 32)
		note = uint32(id)
		return err == nil
	}) {
		t.Fatalf("no notification on screen within 60 s; dunst said:\n%s", dunstOut.String())
	}
	time.Sleep(time.Second) // the window repaints the finished row
	win, err := d.geometry(wid)
	if err != nil {
		t.Fatal(err)
	}
	bubble, err := d.geometry(note)
	if err != nil {
		t.Fatal(err)
	}
	full := d.screenshot(filepath.Join(d.home, "screen.png"))
	// The window's top, with its finished row, under the bubble: where
	// the notification came from, and no bare screen around it.
	crop := image.Rect(win.Min.X, win.Min.Y, win.Max.X, bubble.Max.Y+200).
		Intersect(win).Intersect(full.Bounds())
	img := full.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(crop)
	f, err := os.Create(filepath.Join(out, "notification.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	checkShot(t, img, "notification.png")
	t.Logf("dunst said:\n%s", dunstOut.String()) // an icon it could not load shows here
}

// seed fills the data folder, before the app starts, with tasks in every
// state, in this queue order: go (completed), ubuntu (running), blender
// (paused), missing (failed, 404), haul (completed), debian (running),
// fedora (queued: two run at once).
func seed(t *testing.T, srv *testserver.Server, data, folder string) {
	t.Helper()
	ctx := context.Background()
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(data, "haul.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := downloader.Open(ctx, downloader.Config{Store: db, DefaultFolder: folder})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	set := m.Settings()
	set.MaxActive = 2 // so the last task waits its turn
	if err := m.SetSettings(set); err != nil {
		t.Fatal(err)
	}
	reqs := []downloader.Request{
		{URL: srv.URL("/dl/go1.26.8.linux-amd64.tar.gz")},
		{URL: srv.URL("/releases/ubuntu-24.04.1-desktop-amd64.iso"), Paused: true},
		{URL: srv.URL("/blender/blender-4.2.3-linux-x64.tar.xz"), Paused: true,
			Options: downloader.Options{SpeedLimit: 48 << 20}},
		{URL: srv.URL("/nightly/haul-0.2.0-beta.1-linux-amd64.tar.gz")}, // 404
		{URL: srv.URL("/haul/haul-0.1.0-windows-amd64.zip")},
	}
	ids, err := m.Add(ctx, reqs...)
	if err != nil {
		t.Fatal(err)
	}
	get := func(id string) downloader.Snapshot {
		s, err := m.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	settle := func(what string, cond func() bool) {
		t.Helper()
		if !e2etest.WaitFor(30*time.Second, cond) {
			t.Fatalf("seeding: %s did not happen", what)
		}
	}
	settle("completed and failed", func() bool {
		return get(ids[0]).State == downloader.StateCompleted && get(ids[4]).State == downloader.StateCompleted &&
			get(ids[3]).State == downloader.StateFailed
	})
	if err := m.Resume(ids[2]); err != nil {
		t.Fatal(err)
	}
	settle("blender 40 %", func() bool { return get(ids[2]).Progress() >= 0.4 })
	if err := m.Pause(ids[2]); err != nil {
		t.Fatal(err)
	}
	settle("blender paused", func() bool { return get(ids[2]).State == downloader.StatePaused })
	srv.Set(testserver.WithPerConnRate(512 << 10)) // 16 connections ≈ 8 MiB/s
	if err := m.Resume(ids[1]); err != nil {
		t.Fatal(err)
	}
	settle("ubuntu running", func() bool { return get(ids[1]).Done > 20<<20 })
	more, err := m.Add(ctx, downloader.Request{URL: srv.URL("/debian/debian-12.8.0-amd64-netinst.iso")},
		downloader.Request{URL: srv.URL("/fedora/Fedora-Workstation-Live-x86_64-41-1.4.iso")})
	if err != nil {
		t.Fatal(err)
	}
	settle("debian running", func() bool { return get(more[0]).Done > 10<<20 })
	if st := get(more[1]).State; st != downloader.StateQueued {
		t.Fatalf("seeding: fedora is %s, want queued", st)
	}
}

// openFocused starts the app on data, waits for its window and focuses it
// so keys reach it; noWindow is the failure when none appears.
func (d *desk) openFocused(t *testing.T, bin, data, noWindow string) (*app, uint32) {
	t.Helper()
	a := d.runApp(bin, data)
	wid, ok := d.window(true, 20*time.Second)
	if !ok {
		t.Fatal(noWindow)
	}
	time.Sleep(time.Second) // the first frames are still being laid out
	d.xdotool("windowfocus", strconv.FormatUint(uint64(wid), 10))
	time.Sleep(200 * time.Millisecond)
	return a, wid
}
