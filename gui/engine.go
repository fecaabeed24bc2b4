package gui

import (
	"context"

	"haul/downloader"
	"haul/internal/plumbing"
)

// Engine is what the window needs from the download engine; it is
// declared here, by its consumer, so tests drive the GUI with a fake.
// *downloader.Manager satisfies it.
//
// Every method but Add must return promptly: they are called on the UI
// goroutine.
type Engine interface {
	// Add creates tasks; ids[i] is "" for a rejected request and err
	// joins the reasons.
	Add(ctx context.Context, reqs ...downloader.Request) ([]string, error)
	Pause(id string) error
	// Resume starts a paused task or retries a failed one.
	Resume(id string) error
	Remove(id string, deleteFile bool) error
	Move(id string, to downloader.MoveTo) error
	PauseAll()
	ResumeAll()
	// List returns every task in queue order.
	List() []downloader.Snapshot
	// Subscribe returns a channel of events and a func that ends the
	// subscription and closes the channel.
	Subscribe() (<-chan downloader.Event, func())
	Settings() downloader.Settings
	SetSettings(downloader.Settings) error
}

// Keys of Settings.UI, the front-end preferences the engine stores but
// does not read. Values are "on"/"off" unless said otherwise.
const (
	UIKeyCloseToTray    = "closeToTray"         // closing the window hides it while a tray exists; default on
	UIKeyNotifications  = "notifications"       // notify on completion and failure; default on
	UIKeyLanguage       = "language"            // LanguageSystem, LanguageEnglish or LanguageChinese
	UIKeyClipboardWatch = "clipboardWatch"      // offer to add URLs copied elsewhere; default off
	UIKeyRPC            = plumbing.KeyRPC       // the aria2-compatible RPC for browser extensions; default on
	UIKeyRPCPort        = plumbing.KeyRPCPort   // its port; default 6800
	UIKeyRPCSecret      = plumbing.KeyRPCSecret // its token, made on first start
	UIKeyRPCLAN         = plumbing.KeyRPCLAN    // RPC on every interface, not only loopback; default off
)

// uiFlag reads an on/off preference with its default.
func uiFlag(s downloader.Settings, key string, def bool) bool {
	switch s.UI[key] {
	case "on":
		return true
	case "off":
		return false
	}
	return def
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// NotificationsEnabled tells the notification hook whether the user wants
// to hear about finished tasks.
func NotificationsEnabled(s downloader.Settings) bool {
	return uiFlag(s, UIKeyNotifications, true)
}

// CloseToTray tells whether closing the window should only hide it.
func CloseToTray(s downloader.Settings) bool {
	return uiFlag(s, UIKeyCloseToTray, true)
}

// ClipboardWatch tells whether copied URLs should be offered for download.
func ClipboardWatch(s downloader.Settings) bool {
	return uiFlag(s, UIKeyClipboardWatch, false)
}
