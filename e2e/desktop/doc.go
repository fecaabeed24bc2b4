// Package desktop tests the real Haul window under Xvfb, on a private
// session D-Bus where the test itself plays the tray host
// (org.kde.StatusNotifierWatcher) and the notification server
// (org.freedesktop.Notifications), and downloads from the in-process test
// server on 127.0.0.1.
//
// The tests skip unless HAUL_E2E_BIN names a built haul binary and Xvfb,
// xdotool, import (ImageMagick) and dbus-daemon are installed. `make
// gui-e2e` installs those (scripts/deps.sh gui-test), builds bin/haul and
// runs them; `make docs-shots` rewrites the screenshots in docs/, one of
// them with dunst rather than the test as the notification server.
package desktop
