package gui

import (
	"path/filepath"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"haul/downloader"
	"haul/notify"
)

// notifyFinished tells the user about downloads that just completed or
// failed: one notification for one task, a grouped one when several end
// in the same batch, so a burst of finishes does not flood the desktop.
func (u *UI) notifyFinished(done []downloader.Snapshot) {
	if len(done) == 0 || !NotificationsEnabled(u.eng.Settings()) {
		return
	}
	if u.opts.Notify == nil {
		return
	}
	n := finishedNotification(done)
	if len(done) == 1 && done[0].State == downloader.StateCompleted {
		n.Actions = u.finishedActions(done[0])
	}
	u.opts.Notify(n)
}

// finishedActions are the buttons on a completed download's notification.
// They run on the notifier's goroutine and hand the work to the UI's.
func (u *UI) finishedActions(s downloader.Snapshot) []notify.Action {
	open := func(p string) func() {
		return func() {
			fyne.Do(func() {
				if err := u.openPath(p); err != nil {
					u.report([]error{couldNotOpen(p, err)})
				}
			})
		}
	}
	return []notify.Action{
		{Key: "open", Label: lang.L("Open"), Run: open(s.Path())},
		{Key: "folder", Label: lang.L("Show in folder"), Run: open(s.Folder)},
	}
}

// finishedNotification words the notification for a batch of finishes.
func finishedNotification(done []downloader.Snapshot) notify.Notification {
	if len(done) == 1 {
		s := done[0]
		if s.State == downloader.StateCompleted {
			return notify.Notification{Title: displayName(&s), Body: lang.L("Downloaded {{.Size}} to {{.Folder}}",
				map[string]any{"Size": downloader.FormatBytes(s.Size), "Folder": filepath.Base(s.Folder)})}
		}
		if s.Phase == downloader.PhaseWaitingLink {
			return notify.Notification{Title: lang.L("Needs a fresh link: {{.Name}}", map[string]any{"Name": displayName(&s)}), Body: errorText(s)}
		}
		return notify.Notification{Title: lang.L("Download failed: {{.Name}}", map[string]any{"Name": displayName(&s)}), Body: errorText(s)}
	}
	var ok, failed int
	for _, s := range done {
		if s.State == downloader.StateCompleted {
			ok++
		} else {
			failed++
		}
	}
	var body string
	switch {
	case failed == 0:
		body = lang.N("{{.Count}} downloads finished", ok, map[string]any{"Count": ok})
	case ok == 0:
		body = lang.N("{{.Count}} downloads failed", failed, map[string]any{"Count": failed})
	default:
		body = lang.N("{{.Count}} downloads finished, {{.Failed}} failed", ok, map[string]any{"Count": ok, "Failed": failed})
	}
	return notify.Notification{Title: lang.L("Haul"), Body: body}
}

// notifyQueue bounds the notifications waiting for the desktop; beyond it
// new ones are dropped rather than block the window.
const notifyQueue = 16

// stopWait bounds how long quitting waits for queued notifications.
const stopWait = 2 * time.Second

// AsyncNotifier returns a Notify hook that hands notifications to send on
// one background goroutine, in order. On Linux a notification is a
// blocking D-Bus call that waits for the notification server's reply; made
// on the UI goroutine, a slow or hung server would freeze the window.
// stop ends the goroutine after what is queued has been sent, waiting
// stopWait at most.
func AsyncNotifier(send func(notify.Notification)) (post func(notify.Notification), stop func()) {
	ch := make(chan notify.Notification, notifyQueue)
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
	post = func(n notify.Notification) {
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
	return post, stop
}
