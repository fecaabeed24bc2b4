package gui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
)

// clipboardPoll is how often the clipboard is read while watching. No
// desktop offers Fyne a change notification, so polling it is.
const clipboardPoll = 1500 * time.Millisecond

// clipWatch follows the clipboard while the setting is on.
type clipWatch struct {
	cancel context.CancelFunc
	last   string // content already seen, UI goroutine only
}

// updateClipboardWatch starts or stops watching to match the settings.
// UI goroutine.
func (u *UI) updateClipboardWatch() {
	on := ClipboardWatch(u.eng.Settings())
	if on == (u.clip.cancel != nil) {
		return
	}
	if !on {
		u.clip.cancel()
		u.clip.cancel = nil
		return
	}
	// What is on the clipboard now was copied before the user asked.
	u.clip.last = u.app.Clipboard().Content()
	ctx, cancel := context.WithCancel(context.Background())
	u.clip.cancel = cancel
	go func() {
		t := time.NewTicker(clipboardPoll)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fyne.Do(u.checkClipboard)
			}
		}
	}()
}

// checkClipboard offers newly copied links for download.
func (u *UI) checkClipboard() {
	if u.clip.cancel == nil {
		return
	}
	content := u.app.Clipboard().Content()
	if content == u.clip.last {
		return
	}
	u.clip.last = content
	if links := u.clipboardLinks(); links != "" {
		u.showAdd(links)
		u.showWindow()
	}
}

func (u *UI) stopClipboardWatch() {
	if u.clip.cancel != nil {
		u.clip.cancel()
		u.clip.cancel = nil
	}
}
