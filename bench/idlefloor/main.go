// Command idlefloor is an empty Fyne window: what any app on Fyne's GLFW
// driver costs at rest, with none of Haul's code. bench measures it next
// to Haul's idle window (bench/idle.go) to tell Haul's own idle cost from
// Fyne's loop, which ticks 60 times a second whether or not the window
// shows (fyne.io/fyne/v2/internal/driver/glfw, runGL).
//
// Usage: idlefloor [--hidden]. With --hidden the window starts hidden;
// SIGUSR1 shows it.
package main

import (
	"flag"
	"os"
	"os/signal"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	hidden := flag.Bool("hidden", false, "start with the window hidden; SIGUSR1 shows it")
	flag.Parse()
	a := app.NewWithID("app.haul.IdleFloor")
	w := a.NewWindow("Fyne idle floor")
	w.SetContent(widget.NewLabel("An empty Fyne window"))
	w.Resize(fyne.NewSize(960, 560))
	show := make(chan os.Signal, 1)
	signal.Notify(show, syscall.SIGUSR1)
	go func() {
		for range show {
			fyne.Do(w.Show)
		}
	}()
	if *hidden {
		a.Run()
		return
	}
	w.ShowAndRun()
}
