package gui

import (
	"context"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"fyne.io/fyne/v2"

	"haul/assets"
	"haul/notify"
)

// notifyWait bounds one notification's D-Bus round trip, and
// notifyServerWait the start-up check for a notification server.
const (
	notifyWait       = 5 * time.Second
	notifyServerWait = 2 * time.Second
)

// DesktopNotifier returns where Haul's notifications go, for AsyncNotifier:
// on freedesktop desktops the notification server itself, so they are
// named "Haul", expire after the desktop's default time and carry action
// buttons where the server draws them (Fyne 2.7 sends its app ID, asks
// for no expiry and has no actions); elsewhere, or with no server,
// Fyne's App.SendNotification. close releases the D-Bus connection.
func DesktopNotifier(ctx context.Context, a fyne.App) (send func(notify.Notification), close func()) {
	var s notify.Sender = notify.Func(func(title, body string) {
		a.SendNotification(fyne.NewNotification(title, body))
	})
	close = func() {}
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" {
		ctx, cancel := context.WithTimeout(ctx, notifyServerWait)
		fd, err := notify.ConnectFreedesktop(ctx, "Haul", iconFile())
		cancel()
		if err == nil {
			s = fd
			close = func() { fd.Close() }
		}
	}
	send = func(n notify.Notification) {
		ctx, cancel := context.WithTimeout(context.Background(), notifyWait)
		defer cancel()
		if _, err := s.Send(ctx, n); err != nil {
			log.Printf("haul: %v", err)
		}
	}
	return send, close
}

// iconFile writes Haul's icon where the notification server can read it
// and returns its path, or "" when it cannot be written.
func iconFile() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	p := filepath.Join(dir, "haul", "haul.png")
	if old, err := os.ReadFile(p); err == nil && string(old) == string(assets.Icon.Content()) {
		return p
	}
	if os.MkdirAll(filepath.Dir(p), 0o755) != nil || os.WriteFile(p, assets.Icon.Content(), 0o644) != nil {
		return ""
	}
	return p
}
