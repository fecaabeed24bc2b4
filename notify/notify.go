// Package notify shows desktop notifications, with buttons where the
// desktop draws them. Front ends depend on Sender; the freedesktop
// implementation speaks org.freedesktop.Notifications over D-Bus, and Func
// adapts any plain "show a title and a body" call (Fyne's, say) for
// desktops without it.
package notify

import (
	"context"
	"time"
)

// ID identifies a notification the desktop is showing; 0 is none.
type ID uint32

// Action is a button on a notification.
type Action struct {
	// Key names the action to the desktop, unique within a notification.
	// "default" is the spec's key for a click on the notification itself.
	Key string
	// Label is the button's text, already translated.
	Label string
	// Run is called when the user picks the action, on the sender's own
	// goroutine: it must return quickly and hand UI work to the UI
	// goroutine.
	Run func()
}

// Persistent as a Timeout keeps the notification until the user closes
// it.
const Persistent = time.Duration(-1)

// Notification is what to show.
type Notification struct {
	Title, Body string
	// Actions are shown as buttons where Sender.Actions reports true, and
	// dropped elsewhere: never make an action the only way to do
	// something.
	Actions []Action
	// Timeout is how long the desktop shows it: 0 is the desktop's own
	// default (a few seconds), Persistent until closed.
	Timeout time.Duration
	// Replaces updates a notification still shown in place (a
	// countdown), 0 shows a new one.
	Replaces ID
}

// Sender is a place notifications go.
type Sender interface {
	// Send shows n and returns its ID, which is 0 where the desktop gives
	// none (then it cannot be replaced or withdrawn).
	Send(ctx context.Context, n Notification) (ID, error)
	// Withdraw removes a notification that is still shown; an ID the
	// desktop no longer shows is not an error.
	Withdraw(ctx context.Context, id ID) error
	// Actions reports whether the desktop draws action buttons.
	Actions() bool
}
