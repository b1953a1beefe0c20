#!/bin/sh
# SPDX-License-Identifier: MIT
# The TAP runner's Windows part, proven under Wine: cross-compiles runner-selftest with
# mingw-w64 and runs check-runner.sh on it through wine.
# Usage: tests/runner/wine-check.sh BUILDDIR  (a configured native build: for <mio/version.h>)
# Needs: apt-get install --no-install-recommends mingw-w64 wine wine64. Uses $WINEPREFIX if
# set (kept), else a fresh prefix under /tmp (removed afterwards).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: wine-check.sh BUILDDIR}" && pwd)
work=$(mktemp -d /tmp/mio-wine-check.XXXXXX)
if [ -z "${WINEPREFIX:-}" ]; then
	export WINEPREFIX="$work/prefix"
	fresh=yes
fi
export WINEDEBUG=-all
cleanup() {
	wineserver -k 2>/dev/null || true
	[ -n "${fresh:-}" ] && rm -rf "$WINEPREFIX"
	rm -rf "$work"
}
trap cleanup EXIT

x86_64-w64-mingw32-gcc -std=c11 -O2 -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wmissing-prototypes -Wmissing-declarations -Wstrict-prototypes -Wundef -Wshadow \
	-Wimplicit-fallthrough -Wlogical-op -Wredundant-decls -Winit-self -Wformat=2 -DMT_RUNNER_TAP \
	-I"$src/tests/util" -I"$src/libmio/include" -I"$build/libmio/include" \
	-o "$work/runner-selftest.exe" "$here/runner-selftest.c" \
	"$src/tests/util/mt-tap.c" "$src/tests/util/mt-tap-win.c"
wineboot --init >/dev/null 2>&1
wineserver -w
"$here/check-runner.sh" "$work/runner-selftest.exe" wine
