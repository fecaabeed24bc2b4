package desktop

import (
	"context"
	"image"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"haul/downloader"
	"haul/downloader/store"
	"haul/downloader/testserver"
)

// TestDocsScreenshots writes docs/window.png, docs/add-dialog.png and
// docs/settings.png from the real app with tasks in every state. It runs
// only with HAUL_DOCS_SHOTS set: to the output folder, or 1 for docs/.
// `make docs-shots` runs it.
func TestDocsScreenshots(t *testing.T) {
	out := os.Getenv("HAUL_DOCS_SHOTS")
	if out == "" {
		t.Skip("set HAUL_DOCS_SHOTS=1 (or a folder) to rewrite the screenshots in docs/")
	}
	if out == "1" {
		out = filepath.Join("..", "..", "docs")
	}
	bin := needDesktop(t)
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	d := newDesk(t)
	newFakeDesktop(t, d.busAddr) // a tray host and a quiet notification server

	files := map[string]testserver.File{
		"/dl/go1.26.8.linux-amd64.tar.gz":            {Size: 75 << 20, Seed: 1},
		"/releases/ubuntu-24.04.1-desktop-amd64.iso": {Size: 700 << 20, Seed: 2},
		"/blender/blender-4.2.3-linux-x64.tar.xz":    {Size: 340 << 20, Seed: 3},
		"/haul/haul-0.1.0-windows-amd64.zip":         {Size: 12 << 20, Seed: 4},
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
	a := d.runApp(bin, data)
	wid, ok := d.window(true, 20*time.Second)
	if !ok {
		t.Fatal("no window")
	}
	w := strconv.FormatUint(uint64(wid), 10)
	time.Sleep(time.Second)
	d.xdotool("windowfocus", w)
	time.Sleep(200 * time.Millisecond)
	d.xdotool("key", "Down", "Down") // select the running task, the second row
	time.Sleep(6 * time.Second)      // let it ramp up to 16 connections
	check := func(img image.Image, name string) {
		dev, colours := pixelStats(img)
		t.Logf("%s: %v, σ %.1f, %d colours", name, img.Bounds().Size(), dev, colours)
		if dev < 8 || colours < 16 {
			t.Errorf("%s looks blank", name)
		}
	}
	check(d.windowShot(wid, filepath.Join(out, "window.png")), "window.png")

	d.xdotool("key", "ctrl+comma")
	time.Sleep(time.Second)
	check(d.windowShot(wid, filepath.Join(out, "settings.png")), "settings.png")
	_ = syscall.Kill(a.cmd.Process.Pid, syscall.SIGKILL)
	<-a.done

	a = d.runApp(bin, data)
	wid, ok = d.window(true, 20*time.Second)
	if !ok {
		t.Fatal("no window the second time")
	}
	w = strconv.FormatUint(uint64(wid), 10)
	time.Sleep(time.Second)
	d.xdotool("windowfocus", w)
	time.Sleep(200 * time.Millisecond)
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
}

// seed fills the data folder, before the app starts, with a completed, a
// failed (404), a paused half-done and a running download, in that
// queue order: go, ubuntu (running), blender (paused), missing, haul.
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
		if !waitFor(30*time.Second, cond) {
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
}
