#!/usr/bin/env bash
# CI's Windows run, sourced by .ci/run (which defines step, failed_steps and the build
# directory prefix b): the mingw-w64
# cross build with warnings as errors, its tests under Wine in a private WINEPREFIX, and the
# wineserver ended afterwards. Sets win_logs to the testlog.json files for the tally.
win_logs=()
win_deps="mingw-w64 wine wine64"
win_missing=$(for p in $win_deps; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || echo "$p"
done)
if [ -n "$win_missing" ]; then
	echo "== installing:" $win_missing
	# Wine's recommends pull in fonts and GL: not needed for console programs.
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
		--no-install-recommends $win_missing || failed_steps+=("win-install")
fi

# A throw-away prefix of our own (about 700 MB), never ~/.wine; no display, no Mono/Gecko.
win=$b-win
# No debugger on a crash (it would wait for input), no Mono, no Gecko.
export WINEPREFIX="$PWD/$win-prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=,winedbg.exe="
unset DISPLAY
rm -rf "$win" "$WINEPREFIX"
step win-prefix sh -c 'wineboot --init && wineserver -w'
wineserver -p # one server for the whole run, so each test does not start its own
step win-setup meson setup "$win" --cross-file packaging/cross/mingw-w64-x86_64.txt \
	-Dwerror=true
step win-build ninja -C "$win"
# Start Wine's device service (afd.sys runs in winedevice.exe) before the tests: the first
# process to open \Device\Afd starts it, and a service started by a test inherits that
# test's output pipe, so meson would wait for the service to exit after the test ended.
wine "$win/libmio/tools/mio-info.exe" >/dev/null 2>&1 </dev/null || true
step win-test meson test -C "$win" --print-errorlogs --num-processes 2
win_logs+=("$win/meson-logs/testlog.json")
# The fuzz must catch a skipped re-arm on afd too (a scratch cross build: about 100 s).
step win-fuzz-mutant bash .ci/fuzz-mutant.sh afd
wineserver -k || true
