package main

import (
	"bufio"
	"fmt"
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
}

// runIdle measures the idle window when -idle is not 0.
func (b *bench) runIdle() {
	if b.idleSpan <= 0 {
		return
	}
	fmt.Printf("== idle window: %d finished tasks, %v shown and %v hidden\n", idleTasks, b.idleSpan, b.idleSpan)
	r := measureIdle(b.haul, b.idleSpan)
	b.idle = &r
	fmt.Printf("   shown %.3f CPU s/min, hidden %.3f CPU s/min %s\n", r.Shown, r.Hidden, r.Note)
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
	display, stopX, err := startXvfb()
	if err != nil {
		res.Note = "Xvfb: " + err.Error()
		return res
	}
	defer stopX()
	cmd := exec.Command(haul, "--data", dir)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANG=C.UTF-8")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		res.Note = err.Error()
		return res
	}
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	}()
	<-time.After(idleSettle)
	if shot := os.Getenv("BENCH_IDLE_SHOT"); shot != "" {
		// What was measured, for a person to look at.
		x := exec.Command("import", "-window", "root", shot)
		x.Env = cmd.Env
		_ = x.Run()
	}
	res.Shown = cpuPerMinute(cmd.Process.Pid, span)
	// Hidden: the window unmapped, as the tray's "hide" leaves it. The X
	// server is private, so the only window called Haul is ours.
	find := exec.Command("xdotool", "search", "--name", "^Haul")
	find.Env = cmd.Env
	if out, err := find.Output(); err == nil && len(strings.Fields(string(out))) > 0 {
		unmap := exec.Command("xdotool", "windowunmap", strings.Fields(string(out))[0])
		unmap.Env = cmd.Env
		if err := unmap.Run(); err == nil {
			<-time.After(2 * time.Second)
			res.Hidden = cpuPerMinute(cmd.Process.Pid, span)
			res.Note = "hidden = the window unmapped with xdotool (no tray host on Xvfb)"
		}
	} else {
		res.Note = "hidden not measured: xdotool did not find the window"
	}
	return res
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
// share of one core.
func (b *bench) idleSection() string {
	if b.idle == nil {
		return ""
	}
	r := b.idle
	var sb strings.Builder
	fmt.Fprintf(&sb, "\n## Idle window\n\n`haul` (the window) on a data folder with %d finished tasks, nothing moving, under Xvfb "+
		"(software rendering), after %v of start-up; CPU = user+sys of the process over %.0f s.\n\n", idleTasks, idleSettle, r.Secs)
	fmt.Fprintf(&sb, "| Window | CPU s per idle minute | share of one core | target |\n|---|--:|--:|--:|\n")
	for _, m := range []struct {
		name   string
		v      float64
		target float64
	}{{"shown", r.Shown, 0.03}, {"hidden", r.Hidden, 0.01}} {
		if m.v < 0 {
			fmt.Fprintf(&sb, "| %s | not measured | | ≤ %.0f %% |\n", m.name, m.target*100)
			continue
		}
		share := m.v / 60
		mark := "✗"
		if share <= m.target {
			mark = "✓"
		}
		fmt.Fprintf(&sb, "| %s | %.3f | %.2f %% | ≤ %.0f %% %s |\n", m.name, m.v, share*100, m.target*100, mark)
	}
	if r.Note != "" {
		fmt.Fprintf(&sb, "\n- %s\n", r.Note)
	}
	return sb.String()
}
