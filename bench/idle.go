package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"haul/downloader"
	"haul/downloader/store"
)

// The idle measurement: Haul's window at rest with idleTasks finished
// tasks in its list and nothing moving, under Xvfb (software rendering).
// A download manager lives in the background for days, so what it costs
// with nothing changing is its real cost.
const (
	idleTasks  = 2000
	idleSettle = 10 * time.Second // start-up and the first paint are not idle
)

// idleResult is CPU seconds per idle minute of the window, shown and
// hidden, and what kept a mode from being measured.
type idleResult struct {
	Shown, Hidden float64 // CPU s per minute; <0 not measured
	Secs          float64 // length of each measurement
	Note          string
	// Floor is the same for an empty Fyne window (bench/idlefloor), what
	// Fyne's own loop costs; nil when not measured.
	Floor *idleResult
}

// runIdle measures the idle window when -idle is not 0.
func (b *bench) runIdle() {
	if b.idleSpan <= 0 {
		return
	}
	fmt.Printf("== idle window: %d finished tasks, %v shown and %v hidden\n", idleTasks, b.idleSpan, b.idleSpan)
	r := measureIdle(b.haul, b.idleSpan)
	fmt.Printf("   shown %.3f CPU s/min, hidden %.3f CPU s/min %s\n", r.Shown, r.Hidden, r.Note)
	if b.idleFloor != "" {
		f := measureFloor(b.idleFloor, b.idleSpan)
		r.Floor = &f
		fmt.Printf("   empty Fyne window: shown %.3f CPU s/min, hidden %.3f CPU s/min %s\n", f.Shown, f.Hidden, f.Note)
	}
	b.idle = &r
}

// measureIdle runs the haul binary on a fresh data folder holding
// idleTasks finished tasks and measures it for span in each mode.
func measureIdle(haul string, span time.Duration) idleResult {
	res := idleResult{Shown: -1, Hidden: -1, Secs: span.Seconds()}
	if _, err := exec.LookPath("Xvfb"); err != nil {
		res.Note = "Xvfb is not installed"
		return res
	}
	dir, err := os.MkdirTemp("", "haul-idle-")
	if err != nil {
		res.Note = err.Error()
		return res
	}
	defer os.RemoveAll(dir)
	if err := seedFinished(dir, idleTasks); err != nil {
		res.Note = "seeding the task list: " + err.Error()
		return res
	}
	env, stopX, ok := idleDisplay(&res)
	if !ok {
		return res
	}
	defer stopX()
	bus, stopBus, err := startTrayBus()
	if err != nil {
		return measureUnmapped(haul, dir, env, span, "no tray: "+err.Error()+"; ")
	}
	defer stopBus()
	return measureTray(haul, dir, append(env, "DBUS_SESSION_BUS_ADDRESS="+bus), span)
}

// idleDisplay starts a private X server for one measurement and returns
// the environment that uses it, or false with the reason in res.Note.
func idleDisplay(res *idleResult) ([]string, func(), bool) {
	display, stopX, err := startXvfb()
	if err != nil {
		res.Note = "Xvfb: " + err.Error()
		return nil, nil, false
	}
	return append(os.Environ(), "DISPLAY="+display, "LANG=C.UTF-8"), stopX, true
}

// measureTray measures the window as Haul itself hides and shows it: it
// starts with --hidden into a tray (Fyne hides the window and knows it),
// then a second launch hands off to it and the window shows, as a
// launcher or the tray's "Show Haul" does.
func measureTray(haul, dir string, env []string, span time.Duration) idleResult {
	res := idleResult{Shown: -1, Hidden: -1, Secs: span.Seconds()}
	app, stop, err := startHaul(haul, dir, env, "--hidden")
	if err != nil {
		res.Note = err.Error()
		return res
	}
	defer stop()
	<-time.After(idleSettle)
	if wid := findWindow(env, "^Haul", false); wid != "" {
		res.Note = "hidden not measured: the window showed despite --hidden (no tray?)"
	} else {
		res.Hidden = cpuPerMinute(app.Process.Pid, span)
	}
	show := exec.Command(haul, "--data", dir)
	show.Env = env
	if out, err := show.CombinedOutput(); err != nil {
		res.Note = strings.TrimSpace(res.Note + "; shown not measured: the hand-off failed: " + err.Error() + " " + string(out))
		return res
	}
	if findWindow(env, "^Haul", true) == "" {
		res.Note = strings.TrimSpace(res.Note + "; shown not measured: the window did not show")
		return res
	}
	<-time.After(idleSettle)
	shot(env)
	res.Shown = cpuPerMinute(app.Process.Pid, span)
	if res.Note == "" {
		res.Note = "hidden = started with --hidden into a tray (a stand-in tray host on a private D-Bus): the window hidden through Fyne, as closing it to the tray leaves it; " +
			"shown = then raised by a second `haul` (the single-instance hand-off), after " + idleSettle.String() + " for the first paint"
	}
	return res
}

// measureUnmapped is the measurement without a tray: shown, then the
// window unmapped behind Fyne's back, which only approximates a hide.
func measureUnmapped(haul, dir string, env []string, span time.Duration, why string) idleResult {
	res := idleResult{Shown: -1, Hidden: -1, Secs: span.Seconds()}
	app, stop, err := startHaul(haul, dir, env)
	if err != nil {
		res.Note = err.Error()
		return res
	}
	defer stop()
	<-time.After(idleSettle)
	shot(env)
	res.Shown = cpuPerMinute(app.Process.Pid, span)
	wid := findWindow(env, "^Haul", true)
	if wid == "" {
		res.Note = why + "hidden not measured: xdotool did not find the window"
		return res
	}
	unmap := exec.Command("xdotool", "windowunmap", wid)
	unmap.Env = env
	if err := unmap.Run(); err != nil {
		res.Note = why + "hidden not measured: xdotool windowunmap: " + err.Error()
		return res
	}
	<-time.After(2 * time.Second)
	res.Hidden = cpuPerMinute(app.Process.Pid, span)
	res.Note = why + "hidden = the window unmapped with xdotool, which Fyne does not know of"
	return res
}

// startProc starts bin with args in its own process group; stop kills
// the group.
func startProc(bin string, env []string, args ...string) (*exec.Cmd, func(), error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	return cmd, func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	}, nil
}

// startHaul starts the window on the data folder dir with args. Its RPC
// gets a free port: another program on aria2's 6800 would put a warning
// over the window being measured.
func startHaul(haul, dir string, env []string, args ...string) (*exec.Cmd, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return startProc(haul, env, append([]string{"--data", dir, "--rpc-port", strconv.Itoa(port)}, args...)...)
}

// findWindow is the X id of the visible window whose name matches the
// regular expression name, or "". With wait it waits up to 20 s for one
// to appear. The X server is private, so the only window called Haul is
// ours.
func findWindow(env []string, name string, wait bool) string {
	args := []string{"search", "--onlyvisible", "--name", name}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if wait {
		args = append([]string{"search", "--sync"}, args[1:]...)
	}
	find := exec.CommandContext(ctx, "xdotool", args...)
	find.Env = env
	out, err := find.Output()
	if f := strings.Fields(string(out)); err == nil && len(f) > 0 {
		return f[0]
	}
	return ""
}

// shot saves the screen to $BENCH_IDLE_SHOT, for a person to see what
// was measured.
func shot(env []string) {
	if path := os.Getenv("BENCH_IDLE_SHOT"); path != "" {
		x := exec.Command("import", "-window", "root", path)
		x.Env = env
		_ = x.Run()
	}
}

// seedFinished writes n completed task records into a new haul.db in dir.
func seedFinished(dir string, n int) error {
	db, err := store.Open(filepath.Join(dir, "haul.db"), store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	folder := filepath.Join(dir, "files")
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return err
	}
	if err := db.PutSettings(downloader.DefaultSettings(folder)); err != nil {
		return err
	}
	now := time.Now().Add(-time.Hour)
	for i := range n {
		const size = 1 << 20
		rec := downloader.TaskRecord{
			Version: downloader.RecordVersion, ID: fmt.Sprintf("idle%05d", i),
			URL: fmt.Sprintf("http://127.0.0.1:9/file%05d.bin", i), Folder: folder, Name: fmt.Sprintf("file%05d.bin", i),
			Size: size, State: downloader.StateCompleted, Order: int64(i),
			Created: now.Add(time.Duration(i) * time.Second), Finished: now.Add(time.Duration(i)*time.Second + time.Second),
		}
		if err := db.PutTask(rec); err != nil {
			return err
		}
	}
	return nil
}

// startXvfb starts a private X server and returns its DISPLAY.
func startXvfb() (string, func(), error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", nil, err
	}
	defer r.Close()
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		w.Close()
		return "", nil, err
	}
	w.Close()
	stop := func() { _ = x.Process.Kill(); _ = x.Wait() }
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("no display number: %w", err)
	}
	return ":" + strings.TrimSpace(line), stop, nil
}

// cpuPerMinute is the CPU seconds (user+sys) pid spends per minute over span.
func cpuPerMinute(pid int, span time.Duration) float64 {
	a, err1 := procCPU(pid)
	<-time.After(span)
	b, err2 := procCPU(pid)
	if err1 != nil || err2 != nil {
		return -1
	}
	return (b - a) / span.Minutes()
}

// procCPU is pid's user+sys CPU seconds from /proc/PID/stat.
func procCPU(pid int) (float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(data)
	// Fields after the command name, which may hold spaces, in parentheses.
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100, nil // USER_HZ is 100 on Linux
}

// idleSection is the report's idle part: CPU per idle minute and as a
// share of one core, with an empty Fyne window's figures beside Haul's.
func (b *bench) idleSection() string {
	if b.idle == nil {
		return ""
	}
	r := b.idle
	var sb strings.Builder
	fmt.Fprintf(&sb, "\n## Idle window\n\n`haul` (the window) on a data folder with %d finished tasks, nothing moving, under Xvfb "+
		"(software rendering), after %v of start-up; CPU = user+sys of the process over %.0f s.\n\n", idleTasks, idleSettle, r.Secs)
	fmt.Fprintf(&sb, "| Window | CPU s per idle minute | share of one core | target |\n|---|--:|--:|--:|\n")
	row := func(name string, v, target float64) {
		goal := ""
		if target > 0 {
			goal = fmt.Sprintf("≤ %.0f %%", target*100)
		}
		if v < 0 {
			fmt.Fprintf(&sb, "| %s | not measured | | %s |\n", name, goal)
			return
		}
		share := v / 60
		if target > 0 {
			goal += map[bool]string{true: " ✓", false: " ✗"}[share <= target]
		}
		fmt.Fprintf(&sb, "| %s | %.3f | %.2f %% | %s |\n", name, v, share*100, goal)
	}
	row("shown", r.Shown, 0.03)
	row("hidden", r.Hidden, 0.01)
	if f := r.Floor; f != nil {
		row("empty Fyne window, shown", f.Shown, 0)
		row("empty Fyne window, hidden", f.Hidden, 0)
	}
	if r.Note != "" {
		fmt.Fprintf(&sb, "\n- %s\n", r.Note)
	}
	if f := r.Floor; f != nil {
		note := "The empty Fyne window (bench/idlefloor) is Fyne's own cost: its GLFW loop polls for events 60 times a second, shown or hidden " +
			"(fyne-io/fyne#2506). A shown Haul cannot idle below it; a hidden one holds that loop so it turns about five times a second (gui/hiddenpace.go)."
		if f.Note != "" {
			note += " " + f.Note
		}
		fmt.Fprintf(&sb, "- %s\n", note)
	}
	return sb.String()
}
