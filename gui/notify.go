package gui

import (
	"path/filepath"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"haul/downloader"
)

// notifyFinished tells the user about downloads that just completed or
// failed: one notification for one task, a grouped one when several end
// in the same batch, so a burst of finishes does not flood the desktop.
func (u *UI) notifyFinished(done []downloader.Snapshot) {
	if len(done) == 0 || !NotificationsEnabled(u.settings) {
		return
	}
	if u.opts.Notify == nil {
		return
	}
	u.opts.Notify(finishedNotification(done))
}

// finishedNotification words the notification for a batch of finishes.
func finishedNotification(done []downloader.Snapshot) *fyne.Notification {
	if len(done) == 1 {
		s := done[0]
		if s.State == downloader.StateCompleted {
			return fyne.NewNotification(s.Name, lang.L("Downloaded {{.Size}} to {{.Folder}}",
				map[string]any{"Size": downloader.FormatBytes(s.Size), "Folder": filepath.Base(s.Folder)}))
		}
		name := s.Name
		if name == "" {
			name = s.URL
		}
		return fyne.NewNotification(lang.L("Download failed: {{.Name}}", map[string]any{"Name": name}), errorText(s))
	}
	var ok, failed int
	for _, s := range done {
		if s.State == downloader.StateCompleted {
			ok++
		} else {
			failed++
		}
	}
	return fyne.NewNotification(lang.L("Haul"), lang.L("{{.Done}} downloads finished, {{.Failed}} failed",
		map[string]any{"Done": ok, "Failed": failed}))
}

// notifyQueue bounds the notifications waiting for the desktop; beyond it
// new ones are dropped rather than block the window.
const notifyQueue = 16

// stopWait bounds how long quitting waits for queued notifications.
const stopWait = 2 * time.Second

// AsyncNotifier returns a Notify hook that hands notifications to send on
// one background goroutine, in order. On Linux App.SendNotification is a
// blocking D-Bus call that waits for the notification server's reply; made
// on the UI goroutine, a slow or hung server would freeze the window.
// stop ends the goroutine after what is queued has been sent, waiting
// stopWait at most.
func AsyncNotifier(send func(*fyne.Notification)) (notify func(*fyne.Notification), stop func()) {
	ch := make(chan *fyne.Notification, notifyQueue)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for n := range ch {
			send(n)
		}
	}()
	var (
		mu      sync.Mutex
		stopped bool
	)
	notify = func(n *fyne.Notification) {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		select {
		case ch <- n:
		default: // the desktop is not keeping up; this one is lost
		}
	}
	stop = func() {
		mu.Lock()
		if !stopped {
			stopped = true
			close(ch)
		}
		mu.Unlock()
		select {
		case <-done:
		case <-time.After(stopWait):
			// A hung notification server must not keep Haul from exiting.
		}
	}
	return notify, stop
}
