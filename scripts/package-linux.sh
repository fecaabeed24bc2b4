#!/bin/sh
# Writes bin/Haul.tar.xz: the bundle `fyne package -os linux --release` makes
# (haul, the .desktop entry, the icon and a Makefile to install them) with the
# headless hauld added beside haul and to that Makefile's install rules.
#
# `haul get` hands its download to the hauld beside it only when the two are
# the same build (headless.go: Go release, source stamp, -tags, -trimpath,
# target, VCS stamp). fyne builds haul with the Makefile's stamp, which it
# takes from GOFLAGS (-ldflags=..., one word) and to which it appends -s -w;
# hauld is built here with the same linker flags and the -tags, -trimpath and
# GOARCH read back from that haul. fyne's --release builds with -trimpath, and
# Go then leaves -ldflags out of the recorded build settings: haul finds the
# stamp in hauld's file instead. Both are built with -buildvcs=false: during
# fyne's build the tree holds its temporary fyne_metadata_init.go and a bumped
# FyneApp.toml, which would make haul's VCS stamp "modified" and hauld's not.
# The script checks the pair before writing the tarball.
#
# Usage: scripts/package-linux.sh FYNE_TOOL SOURCE_ID   (run by make package;
# GO names the go command, for fyne too)
set -eu

[ $# -eq 2 ] && [ -n "$2" ] || { echo "usage: $0 FYNE_TOOL SOURCE_ID" >&2; exit 2; }
fyne=$1
id=$2
GO=${GO:-go}
export GO

tmp=$(mktemp -d)
cp FyneApp.toml "$tmp/FyneApp.toml"
# fyne package bumps Build in FyneApp.toml on every run: put it back.
trap 'cp "$tmp/FyneApp.toml" FyneApp.toml; rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

stamp=haul/internal/plumbing.SourceID=$id
GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false -ldflags=-X=$stamp" "$fyne" package -os linux --release
mv Haul.tar.xz "$tmp/fyne.tar.xz"

root=$tmp/root
mkdir "$root"
tar -xJf "$tmp/fyne.tar.xz" -C "$root"
haul=$(cd "$root" && find . -type f -path '*/bin/haul')
case $haul in
'' | *"
"*) echo "$0: expected one bin/haul in fyne's tarball, found: ${haul:-none}" >&2; exit 1 ;;
esac
haul=$root/${haul#./}
hauld=$(dirname "$haul")/hauld

# A build setting of a binary as `go version -m` prints it, unquoted.
setting() {
	v=$("$GO" version -m "$1" | sed -n "s/^[[:space:]]*build[[:space:]]*$2=//p")
	case $v in
	*\\*) echo "$0: cannot unquote $2 of $1: $v" >&2; exit 1 ;;
	\"*\") v=${v#\"}; v=${v%\"} ;;
	esac
	printf '%s' "$v"
}
ldflags=$(setting "$haul" -ldflags) # recorded only without -trimpath
tags=$(setting "$haul" -tags)
goarch=$(setting "$haul" GOARCH)
trimpath=
[ "$(setting "$haul" -trimpath)" = true ] && trimpath=-trimpath
: "${ldflags:=-X=$stamp -s -w}"

CGO_ENABLED=0 GOOS=linux GOARCH=$goarch "$GO" build -buildvcs=false $trimpath \
	-tags "$tags" -ldflags "$ldflags" -o "$hauld" ./cmd/hauld

for b in "$haul" "$hauld"; do
	grep -qF "$id" "$b" || { echo "$0: $(basename "$b") was built without the source stamp $id" >&2; exit 1; }
done
# What headless.go's sameBuild compares in the recorded build information, as
# go version -m prints it: the Go release (first line), the main module, and
# these settings.
compared() {
	"$GO" version -m "$1" | awk 'NR == 1 { sub(/^[^:]*: /, ""); print; next }
		$1 == "mod" { print $1, $2, $3; next }
		$1 == "build" && $2 ~ /^(-ldflags|-tags|-trimpath|GOOS|GOARCH|GOAMD64|GOARM64|vcs\.revision|vcs\.modified)=/'
}
if [ "$(compared "$haul")" != "$(compared "$hauld")" ]; then
	echo "$0: haul and hauld are not the same build:" >&2
	compared "$haul" >&2
	echo "--" >&2
	compared "$hauld" >&2
	exit 1
fi

# The bundle's Makefile installs an explicit list of files: every line that
# installs or removes bin/$(Exec) gets a twin for hauld.
mk=$root/$(cd "$root" && find . -maxdepth 2 -type f -name Makefile | head -1)
awk '{ print }
	/^\t(install|-rm) / && /bin\/\$\(Exec\)/ { gsub(/\$\(Exec\)/, "hauld"); print; n++ }
	END { if (n < 4) exit 1 }' "$mk" >"$tmp/Makefile" ||
	{ echo "$0: the bundle's Makefile lacks the install/uninstall rules for bin/\$(Exec)" >&2; exit 1; }
cat "$tmp/Makefile" >"$mk"

mkdir -p bin
(cd "$root" && tar -cJf "$tmp/Haul.tar.xz" -- *)
mv "$tmp/Haul.tar.xz" bin/Haul.tar.xz
echo "bin/Haul.tar.xz: haul and hauld with source stamp $id"
