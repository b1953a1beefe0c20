#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The differential fuzz must catch a planted bug: in a scratch copy of HEAD, the poll
# backend's re-arm returns at once (an I/O helper's -EAGAIN no longer re-arms), and the
# fuzz entry must then fail with a "missing edge" on poll, shrunk to a short sequence.
# The tree itself is never touched.
# usage: .ci/fuzz-mutant.sh (from the top of a git checkout)
set -euo pipefail
work=$(mktemp -d /tmp/libmio-mutant.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
git archive --format=tar HEAD | tar -x -C "$work"
cd "$work"
# The body of poll_rearm() starts with its first declaration; put a return before it.
python3 - <<'EOF'
import re, sys
p = "backends/poll/poll.c"
s = open(p).read()
m = re.search(r"\npoll_rearm\([^)]*\)\n\{\n", s)
if not m:
    sys.exit("poll_rearm() not found in " + p)
s = s[:m.end()] + "\treturn; /* planted bug: the re-arm is skipped */\n" + s[m.end():]
open(p, "w").write(s)
EOF
meson setup build -Dtest_runner=tap -Ddocs=disabled -Dexamples=disabled >setup.log 2>&1 || { cat setup.log; fail "meson setup"; }
ninja -C build >build.log 2>&1 || { tail -20 build.log; fail "build"; }
if meson test -C build --no-rebuild fuzz >/dev/null 2>&1; then
	fail "the fuzz passed with the poll backend's re-arm skipped"
fi
log=build/meson-logs/testlog.txt
grep -q 'missing edge on poll' "$log" || { tail -30 "$log"; fail "the fuzz failed, but not with a missing edge on poll"; }
grep -m1 'not ok' "$log"
grep -m1 '# shrunk from' "$log"
echo "fuzz-mutant: 1 passed, 0 failed"
