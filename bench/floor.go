package main

import (
	"os"
	"syscall"
	"time"
)

// measureFloor measures an empty Fyne window (bench/idlefloor) as
// measureTray measures Haul: hidden from the start, then shown. What it
// costs is Fyne's loop, the floor under Haul's idle figures.
func measureFloor(bin string, span time.Duration) idleResult {
	res := idleResult{Shown: -1, Hidden: -1, Secs: span.Seconds()}
	if _, err := os.Stat(bin); err != nil {
		res.Note = "not measured: " + err.Error() + " (go build -o bin/idlefloor ./bench/idlefloor)"
		return res
	}
	env, stopX, ok := idleDisplay(&res)
	if !ok {
		return res
	}
	defer stopX()
	app, stop, err := startProc(bin, env, "--hidden")
	if err != nil {
		res.Note = err.Error()
		return res
	}
	defer stop()
	<-time.After(idleSettle)
	res.Hidden = cpuPerMinute(app.Process.Pid, span)
	if err := app.Process.Signal(syscall.SIGUSR1); err != nil || findWindow(env, "^Fyne idle floor", true) == "" {
		res.Note = "shown not measured: the window did not show"
		return res
	}
	<-time.After(idleSettle)
	res.Shown = cpuPerMinute(app.Process.Pid, span)
	return res
}
