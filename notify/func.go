package notify

import "context"

// Func is a Sender for desktops Haul cannot reach directly: it hands the
// title and body to show and has no actions, replacement or withdrawal.
type Func func(title, body string)

func (f Func) Send(_ context.Context, n Notification) (ID, error) {
	f(n.Title, n.Body)
	return 0, nil
}

func (Func) Withdraw(context.Context, ID) error { return nil }

func (Func) Actions() bool { return false }
