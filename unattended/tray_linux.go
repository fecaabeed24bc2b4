package unattended

import "context"

// TrayAvailable reports whether a panel shows tray icons: on Linux, that
// a StatusNotifierWatcher owns its name on the session bus. Starting
// hidden without one would leave Haul running with no way to reach it.
func TrayAvailable() bool { return TrayHostPresent(context.Background()) }
