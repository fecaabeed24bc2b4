package gui

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"haul/downloader"
	"haul/notify"
	"haul/unattended"
)

// Unattended is what the window needs from main.go's unattended wiring:
// this session's when-done action and the start-with-the-session entry.
type Unattended interface {
	WhenDone() unattended.Action
	// SetWhenDone changes the action for this session.
	SetWhenDone(unattended.Action)
	Autostart() bool
	SetAutostart(on bool) error
}

// Keys of Settings.UI for the unattended set.
const (
	UIKeyKeepAwake = "keepAwake" // hold a sleep inhibitor while bytes flow; default on
	UIKeyWhenDone  = "whenDone"  // the action every session starts with; default none
)

// KeepAwake reads the keep-awake preference.
func KeepAwake(s downloader.Settings) bool { return uiFlag(s, UIKeyKeepAwake, true) }

// actionTitle names an action in menus and settings.
func actionTitle(a unattended.Action) string {
	switch a {
	case unattended.ActionQuit:
		return lang.L("Quit Haul")
	case unattended.ActionSleep:
		return lang.L("Sleep")
	case unattended.ActionShutdown:
		return lang.L("Shut down")
	}
	return lang.L("Do nothing")
}

// whenDoneMenu is the tray's "When done" submenu; its checks follow the
// session's action.
func (u *UI) whenDoneMenu(t *tray) *fyne.MenuItem {
	item := fyne.NewMenuItem(lang.L("When downloads finish"), nil)
	item.ChildMenu = fyne.NewMenu("")
	check := func() {
		cur := u.opts.Unattended.WhenDone()
		for i, a := range unattended.Actions {
			item.ChildMenu.Items[i].Checked = a == cur
		}
	}
	refresh := func() {
		check()
		t.menu.Refresh()
	}
	for _, a := range unattended.Actions {
		choice := fyne.NewMenuItem(actionTitle(a), func() {
			u.opts.Unattended.SetWhenDone(a)
			refresh()
		})
		item.ChildMenu.Items = append(item.ChildMenu.Items, choice)
	}
	check()
	t.refreshWhenDone = refresh
	return item
}

// Countdown is the window's side of a when-done sleep or shutdown: a
// dialog with the seconds left and Cancel, shown with the window, and a
// plain notification for a user who is not looking at it.
func (u *UI) Countdown() unattended.Countdown { return countdownUI{u} }

type countdownUI struct{ u *UI }

func countdownText(a unattended.Action, left time.Duration) string {
	secs := int((left + time.Second - 1) / time.Second)
	if a == unattended.ActionShutdown {
		return lang.N("Haul will shut the computer down in {{.Count}} seconds.", secs, map[string]any{"Count": secs})
	}
	return lang.N("Haul will put the computer to sleep in {{.Count}} seconds.", secs, map[string]any{"Count": secs})
}

func (c countdownUI) Show(a unattended.Action, deadline time.Time) (<-chan struct{}, func()) {
	canceled := make(chan struct{})
	stop := make(chan struct{})
	var cancelOnce, hideOnce sync.Once
	cancel := func() { cancelOnce.Do(func() { close(canceled) }) }
	var dlg *dialog.CustomDialog
	label := widget.NewLabel(countdownText(a, time.Until(deadline)))
	done := widget.NewLabel(lang.L("All downloads finished."))
	bar := widget.NewProgressBar()
	total := time.Until(deadline)
	bar.TextFormatter = func() string { return "" }
	c.u.pacer.stop() // the countdown shows at once, not after a hold
	fyne.Do(func() {
		btn := widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() { cancel(); dlg.Hide() })
		btn.Importance = widget.HighImportance
		dlg = dialog.NewCustomWithoutButtons(actionTitle(a), container.NewVBox(done, label, bar), c.u.win)
		dlg.SetButtons([]fyne.CanvasObject{btn})
		c.u.showWindow()
		dlg.Show()
	})
	if c.u.opts.Notify != nil {
		// Where the desktop draws buttons, Cancel works from the
		// notification too (the same once-guarded cancel as the dialog's).
		c.u.opts.Notify(notify.Notification{
			Title:   lang.L("All downloads finished."),
			Body:    countdownText(a, total),
			Actions: []notify.Action{{Key: "cancel", Label: lang.L("Cancel"), Run: cancel}},
		})
	}
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				left := time.Until(deadline)
				fyne.Do(func() {
					label.SetText(countdownText(a, max(left, 0)))
					if total > 0 {
						bar.SetValue(1 - float64(left)/float64(total))
					}
				})
			}
		}
	}()
	hide := func() {
		hideOnce.Do(func() {
			close(stop)
			fyne.Do(func() {
				if dlg != nil {
					dlg.Hide()
				}
			})
		})
	}
	return canceled, hide
}
