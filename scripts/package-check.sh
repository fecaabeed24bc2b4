#!/bin/sh
# Checks a Linux bundle from make package the way a user installs it: unpacks
# it, runs its Makefile's install and user-install into a temporary folder,
# and expects haul and hauld side by side in each bin folder (and gone after
# uninstall); then runs TestE2EGetRunsInHauld on the installed haul, which
# fails unless `haul get` runs its download as that hauld.
#
# Usage: scripts/package-check.sh [bin/Haul.tar.xz]   (make package-check)
set -eu

tarball=$(readlink -f "${1:-bin/Haul.tar.xz}")
GO=${GO:-go}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

fail() { echo "package-check: $*" >&2; exit 1; }
pair() {
	for b in haul hauld; do
		[ -x "$1/$b" ] || fail "no executable $1/$b"
	done
	echo "package-check: $1: haul and hauld"
}

mkdir "$tmp/src"
tar -xJf "$tarball" -C "$tmp/src"
mk=$(cd "$tmp/src" && find . -maxdepth 2 -type f -name Makefile | head -1)
[ -n "$mk" ] || fail "no Makefile in $tarball"
dir=$tmp/src/$(dirname "$mk")

make -s -C "$dir" install DESTDIR="$tmp/sys" PREFIX=/usr >/dev/null
pair "$tmp/sys/usr/bin"
make -s -C "$dir" uninstall DESTDIR="$tmp/sys" PREFIX=/usr >/dev/null
[ ! -e "$tmp/sys/usr/bin/hauld" ] || fail "make uninstall left hauld"

mkdir "$tmp/home"
make -s -C "$dir" user-install HOME="$tmp/home" >/dev/null
bin=$tmp/home/.local/bin
pair "$bin"

# Compiles the e2e package (HAUL_E2E_BIN set: nothing else is built).
out=$tmp/test.log
if ! HAUL_E2E_BIN=$bin/haul "$GO" test -count=1 -v -run '^TestE2EGetRunsInHauld$' ./e2e/ >"$out" 2>&1; then
	cat "$out"
	fail "TestE2EGetRunsInHauld failed on the installed haul"
fi
if grep -q -e '--- SKIP' -e '^ok .*no tests to run' "$out" || ! grep -q -e '--- PASS: TestE2EGetRunsInHauld/beside_hauld' "$out"; then
	cat "$out"
	fail "TestE2EGetRunsInHauld did not run"
fi
grep -e '--- PASS' "$out"
echo "package-check: the installed haul get ran as the installed hauld"
