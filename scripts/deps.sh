#!/bin/sh
# Installs the system packages a group needs, only those missing, with
# apt-get (Debian/Ubuntu). Usage: scripts/deps.sh build|gui-test|docs-shots|bench|windows|package|node
set -eu

build="ca-certificates gcc libc6-dev pkg-config libgl-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev"
guitest="xvfb imagemagick xdotool dbus-daemon dbus-bin"
# make docs-shots only: dunst draws the notification for docs/notification.png, and a
# CJK font lets Fyne draw docs/window-zh.png (its own font has no Chinese glyphs).
docs="dunst fontconfig fonts-wqy-microhei"
bench="curl aria2 axel xvfb xdotool dbus-daemon"
# make test-browser: Debian's Chromium and Firefox ESR load browser/extension under Xvfb.
browsertest="xvfb chromium firefox-esr"
# Cross-building haul.exe (cgo + GLFW need a Windows C compiler).
windows="gcc-mingw-w64-x86-64-win32"
# fyne package writes a .tar.xz; the browser extension is zipped.
package="xz-utils zip"
# Node.js and npm run the npm aria2 client in rpc/jsclient_test.go.
node="nodejs npm"

case "${1:-build}" in
build) want="$build" ;;
gui-test) want="$build $guitest" ;;
browser-test) want="$build $browsertest" ;;
docs-shots) want="$build $guitest $docs" ;;
bench) want="$build $bench" ;;
windows) want="$windows" ;;
package) want="$build $package" ;;
node)
	# By command, not by package: a Node.js from elsewhere (NodeSource, nvm)
	# bundles npm, and Debian's npm package would conflict with it.
	if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then exit 0; fi
	want="$node" ;;
*) echo "usage: $0 build|gui-test|browser-test|docs-shots|bench|windows|package|node" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "Missing system packages:$missing" >&2
	echo "This helper knows apt-get only; install them with your package manager." >&2
	exit 1
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# Update the lists once a day at most; a fresh machine has none.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
	$SUDO apt-get update -qq
fi
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
