#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The differential fuzz must catch a planted bug: in a scratch copy of HEAD, a backend's
# re-arm returns at once (an I/O helper's -EAGAIN no longer re-arms), and the fuzz entry
# must then fail with a "missing edge" on that backend, shrunk to a short sequence.
# The tree itself is never touched.
# usage: .ci/fuzz-mutant.sh [poll|afd] (from the top of a git checkout; poll by default)
#   poll: backends/poll/poll.c's poll_rearm(), a native build.
#   afd:  backends/afd/selector.c's afd_rearm(), the mingw-w64 cross build, run under Wine
#         (the caller sets up WINEPREFIX and starts Wine's AFD service: .ci/windows.sh).
set -euo pipefail
backend=${1:-poll}
case $backend in
poll) file=backends/poll/poll.c; setup=(); targets=() ;;
afd) file=backends/afd/selector.c
	setup=(--cross-file packaging/cross/mingw-w64-x86_64.txt)
	# Only what the fuzz entry runs: the cross build of everything takes minutes.
	targets=(tests/fuzz/fuzz-backends.exe backends/mio-afd.dll) ;;
*) echo "usage: $0 [poll|afd]"; exit 2 ;;
esac
work=$(mktemp -d /tmp/libmio-mutant.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
git archive --format=tar HEAD | tar -x -C "$work"
cd "$work"
# The body of <backend>_rearm() starts with its first declaration; put a return before it.
python3 - "$file" "${backend}_rearm" <<'EOF_PY'
import re, sys
p, fn = sys.argv[1], sys.argv[2]
s = open(p).read()
m = re.search(r"\n" + fn + r"\([^)]*\)\n\{\n", s)
if not m:
    sys.exit(fn + "() not found in " + p)
s = s[:m.end()] + "\treturn; /* planted bug: the re-arm is skipped */\n" + s[m.end():]
open(p, "w").write(s)
EOF_PY
meson setup build "${setup[@]}" -Dtest_runner=tap -Ddocs=disabled -Dexamples=disabled \
	>setup.log 2>&1 || { cat setup.log; fail "meson setup"; }
ninja -C build "${targets[@]}" >build.log 2>&1 || { tail -20 build.log; fail "build"; }
if meson test -C build --no-rebuild fuzz >/dev/null 2>&1; then
	fail "the fuzz passed with the $backend backend's re-arm skipped"
fi
log=build/meson-logs/testlog.txt
grep -q "missing edge on $backend" "$log" ||
	{ tail -30 "$log"; fail "the fuzz failed, but not with a missing edge on $backend"; }
# The first failure and its shrunk sequence.
# (One awk, no pipe: with pipefail an early-quitting reader would fail the script.)
awk '/^not ok/ { p = 1 } p { print } p && /^# again/ { exit }' "$log"
echo "fuzz-mutant ($backend): 1 passed, 0 failed"
