package desktop

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"haul/downloader"
	"haul/downloader/store"
	"haul/downloader/testserver"
	"haul/e2e/internal/e2etest"
	"haul/unattended/fakelogind"
)

// withLogind gives the desk a private system bus with a fake logind.
func (d *desk) withLogind(t *testing.T) *fakelogind.Logind {
	t.Helper()
	addr := fakelogind.StartBus(t)
	d.env = append(d.env, "DBUS_SYSTEM_BUS_ADDRESS="+addr)
	return fakelogind.Start(t, addr)
}

// TestDesktopHiddenWhenDoneQuit starts `haul --hidden --when-done quit
// URL` on a desk with a tray: the window never shows, the file arrives,
// sleep is inhibited while it downloads, and Haul exits 0 by itself.
func TestDesktopHiddenWhenDoneQuit(t *testing.T) {
	bin := needDesktop(t)
	d := newDesk(t)
	newFakeDesktop(t, d.busAddr)
	logind := d.withLogind(t)

	const name = "unattended.bin"
	// 32 MiB at 1 MiB/s a connection: a few seconds to look for a window.
	file := testserver.File{Size: 32 << 20, Seed: 19}
	srv := testserver.New(testserver.WithFile("/"+name, file), testserver.WithPerConnRate(1<<20))
	t.Cleanup(srv.Close)

	a := d.runApp(bin, filepath.Join(d.home, "haul-data"), "--hidden", "--when-done", "quit", srv.URL("/"+name))
	deadline := time.After(90 * time.Second)
	looked := 0
	for running := true; running; {
		// X has no event to wait on for "a window appeared": look often.
		if _, shown := d.window(true, 0); shown {
			t.Fatal("--hidden showed the window")
		}
		looked++
		select {
		case <-a.done:
			running = false
		case <-deadline:
			a.dumpStacks()
			t.Fatal("haul did not quit by itself within 90 s of starting")
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Logf("looked for a window %d times while haul ran", looked)
	if code := a.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
	if sum := e2etest.FileSHA256(t, filepath.Join(d.home, "Downloads", name)); sum != file.SHA256() {
		t.Fatal("the downloaded file differs from the served one")
	}
	if _, shown := d.window(false, 0); shown {
		t.Error("a window named Haul exists after quitting")
	}
	locks := logind.Locks()
	if len(locks) == 0 {
		t.Fatal("logind was never asked to inhibit sleep while downloading")
	}
	for _, l := range locks {
		l.DropOwn()
		select {
		case <-l.Released:
		case <-time.After(5 * time.Second):
			t.Error("an inhibitor lock is still held after haul exited")
		}
	}
	for _, c := range logind.Calls() {
		if c.Method != "Inhibit" {
			t.Errorf("logind got %v; quit must neither suspend nor power off", c)
		}
	}
}

// startHidden runs `haul --hidden` on data and waits until it serves
// (instance.json), then a second more in which no window may show: long
// enough for the hidden pacer's holds to follow each other.
func (d *desk) startHidden(bin, data string) *app {
	t := d.t
	t.Helper()
	a := d.runApp(bin, data, "--hidden")
	if !e2etest.WaitFor(20*time.Second, func() bool {
		_, err := os.Stat(filepath.Join(data, "instance.json"))
		return err == nil
	}) {
		t.Fatalf("the hidden haul wrote no instance.json (running: %v)", a.running())
	}
	if _, shown := d.window(true, time.Second); shown {
		t.Fatal("--hidden showed the window")
	}
	return a
}

// TestDesktopHiddenShowsOnSecondLaunch: Haul started hidden keeps its
// window away until a second launch asks for it, as the tray's Show does.
func TestDesktopHiddenShowsOnSecondLaunch(t *testing.T) {
	bin := needDesktop(t)
	d := newDesk(t)
	newFakeDesktop(t, d.busAddr)
	data := filepath.Join(d.home, "haul-data")
	d.startHidden(bin, data)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	second := exec.CommandContext(ctx, bin, "--data", data)
	second.Env = d.env
	if out, err := second.CombinedOutput(); err != nil {
		t.Fatalf("second haul: %v\n%s", err, out)
	}
	if _, ok := d.window(true, 10*time.Second); !ok {
		t.Fatal("the hidden window did not come up for the second launch")
	}
}

// TestDesktopHiddenQuits: Haul hidden in the tray, its loop paced, ends
// cleanly however it is asked to quit: the tray's Quit, SIGTERM, SIGINT.
func TestDesktopHiddenQuits(t *testing.T) {
	bin := needDesktop(t)
	for _, tc := range []struct {
		name string
		quit func(t *testing.T, a *app, fake *fakeDesktop)
	}{
		{"tray Quit", func(t *testing.T, a *app, fake *fakeDesktop) {
			if !e2etest.WaitFor(10*time.Second, func() bool { return len(fake.Items()) > 0 }) {
				t.Fatal("no tray item within 10 s")
			}
			if err := fake.clickMenu(fake.Items()[0], "Quit"); err != nil {
				t.Fatalf("click Quit: %v", err)
			}
		}},
		{"SIGTERM", func(t *testing.T, a *app, _ *fakeDesktop) { _ = a.cmd.Process.Signal(syscall.SIGTERM) }},
		{"SIGINT", func(t *testing.T, a *app, _ *fakeDesktop) { _ = a.cmd.Process.Signal(syscall.SIGINT) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDesk(t)
			fake := newFakeDesktop(t, d.busAddr)
			a := d.startHidden(bin, filepath.Join(d.home, "haul-data"))
			tc.quit(t, a, fake)
			select {
			case <-a.done:
				if code := a.cmd.ProcessState.ExitCode(); code != 0 {
					t.Errorf("exit status %d, want 0", code)
				}
			case <-time.After(10 * time.Second):
				a.dumpStacks()
				t.Fatal("haul still runs 10 s after being asked to quit")
			}
		})
	}
}

// TestDesktopHiddenNeedsTray: without a tray to bring it back, --hidden
// shows the window after all.
func TestDesktopHiddenNeedsTray(t *testing.T) {
	bin := needDesktop(t)
	d := newDesk(t)
	a := d.runApp(bin, filepath.Join(d.home, "haul-data"), "--hidden")
	if _, ok := d.window(true, 20*time.Second); !ok {
		t.Fatalf("no window without a tray (running: %v)", a.running())
	}
}

// seedSchedule stores a night-and-weekend schedule with an office-hours
// speed limit, and a task that waits for it.
func seedSchedule(t *testing.T, data, folder, url string) {
	t.Helper()
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(data, "haul.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := downloader.Open(context.Background(), downloader.Config{Store: db, DefaultFolder: folder, NoStart: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	s := m.Settings()
	s.Schedule = downloader.Schedule{
		Mode: downloader.ScheduleWindows,
		Windows: []downloader.Window{
			{Days: downloader.Workdays, Start: 60, End: 7 * 60},
			{Days: downloader.Weekend},
		},
		Limits: []downloader.LimitWindow{{Window: downloader.Window{Days: downloader.Workdays, Start: 9 * 60, End: 18 * 60}, Limit: 1 << 20}},
	}
	// The shot must show a closed schedule whatever the time it is taken.
	now := time.Now()
	s.Schedule.Windows[0].Start = (now.Hour()*60 + 120) % downloader.MinutesPerDay
	s.Schedule.Windows[0].End = (now.Hour()*60 + 360) % downloader.MinutesPerDay
	s.Schedule.Windows[1].Days = 1 << ((now.Weekday() + 3) % 7)
	if err := m.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Add(context.Background(), downloader.Request{URL: url}); err != nil {
		t.Fatal(err)
	}
}

// TestDocsSchedule writes docs/schedule.png (Settings → Schedule) and
// docs/countdown.png (the when-done countdown) from the real app.
func TestDocsSchedule(t *testing.T) {
	out := docsDir(t)
	bin := needDesktop(t)
	d := newDesk(t)
	newFakeDesktop(t, d.busAddr)
	logind := d.withLogind(t)
	srv := testserver.New(testserver.WithFile("/iso/debian-13.2.0-amd64-netinst.iso", testserver.File{Size: 4 << 20, Seed: 5}))
	t.Cleanup(srv.Close)

	data := filepath.Join(d.home, "haul-data")
	seedSchedule(t, data, filepath.Join(d.home, "Downloads"), srv.URL("/iso/debian-13.2.0-amd64-netinst.iso"))
	a, wid := d.openFocused(t, bin, data, "no window")
	time.Sleep(time.Second)
	checkShot(t, d.windowShot(wid, filepath.Join(out, "schedule-status.png")), "schedule-status.png")
	d.xdotool("key", "ctrl+comma")
	time.Sleep(time.Second)
	r, err := d.geometry(wid)
	if err != nil {
		t.Fatal(err)
	}
	// The Schedule tab is the fourth; the dialog is centred.
	x, y := r.Min.X+r.Dx()/2+scheduleTabDX, r.Min.Y+r.Dy()/2+scheduleTabDY
	d.xdotool("mousemove", strconv.Itoa(x), strconv.Itoa(y), "click", "1")
	time.Sleep(time.Second)
	checkShot(t, d.windowShot(wid, filepath.Join(out, "schedule.png")), "schedule.png")
	_ = syscall.Kill(a.cmd.Process.Pid, syscall.SIGKILL)
	<-a.done

	// A second run downloads a file at once and counts down to sleep.
	srv.SetFile("/iso/debian-13.2.0-amd64-DVD-1.iso", testserver.File{Size: 2 << 20, Seed: 6})
	data2 := filepath.Join(d.home, "haul-data-2")
	a = d.runApp(bin, data2, "--when-done", "sleep", srv.URL("/iso/debian-13.2.0-amd64-DVD-1.iso"))
	wid, ok := d.window(true, 20*time.Second)
	if !ok {
		t.Fatal("no window for the countdown")
	}
	time.Sleep(7 * time.Second) // the download, then a few seconds of countdown
	checkShot(t, d.windowShot(wid, filepath.Join(out, "countdown.png")), "countdown.png")
	for _, c := range logind.Calls() {
		if c.Method == "Suspend" {
			t.Error("suspended before the countdown ended")
		}
	}
	_ = syscall.Kill(a.cmd.Process.Pid, syscall.SIGKILL)
	<-a.done
}

// Where the Schedule tab sits from the window's centre, in pixels.
const scheduleTabDX, scheduleTabDY = -109, -204
