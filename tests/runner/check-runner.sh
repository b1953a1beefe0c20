#!/bin/sh
# SPDX-License-Identifier: MIT
# Checks the TAP runner on runner-selftest: every way a test can end comes out as the TAP
# meson reads, names select tests, and the exit status says what happened.
# Usage: check-runner.sh PROGRAM [WRAPPER...]  (wine-check.sh passes "wine"; in a cross
# build meson's MESON_EXE_WRAPPER is the default)
set -u
prog=$1
shift
# A cross build's test: meson names the wrapper (wine) in MESON_EXE_WRAPPER.
if [ $# -eq 0 ] && [ -n "${MESON_EXE_WRAPPER:-}" ]; then
	# shellcheck disable=SC2086 # the wrapper may be several words
	set -- $MESON_EXE_WRAPPER
fi
failures=0
out=$(mktemp) || exit 1
trap 'rm -f "$out" "$out.want"' EXIT

# Runs the program under the wrapper with the arguments given; its output, with the paths
# and line numbers of failures and the crash's wording (signal or exception) folded, goes to
# $out; returns its exit status.
run() {
	MT_TIMEOUT_MULTIPLIER=${multiplier:-1} "$@" "$prog" $args >"$out.raw" 2>/dev/null
	status=$?
	tr -d '\r' <"$out.raw" |
		sed -e 's|^# .*runner-selftest\.c:[0-9]*: |# FILE:LINE: |' \
			-e 's/^# killed by signal 4 (Illegal instruction)$/# CRASHED/' \
			-e 's/^# crashed with exception 0xc000001d$/# CRASHED/' >"$out"
	rm -f "$out.raw"
	return $status
}

# expect WHAT STATUS LINES: the last run exited with STATUS and printed LINES exactly
# (nothing on stdout when LINES is empty).
expect() {
	if [ -z "$3" ]; then : >"$out.want"; else printf '%s\n' "$3" >"$out.want"; fi
	if [ "$status" -ne "$2" ]; then
		echo "FAIL: $1: exit status $status, expected $2"
		failures=$((failures + 1))
	elif ! diff -u "$out.want" "$out"; then
		echo "FAIL: $1: output differs (- expected, + got)"
		failures=$((failures + 1))
	else
		echo "ok: $1"
	fi
}

args='' multiplier=0.05 run "$@"
expect "all tests, a limit of 1.5 s" 1 'TAP version 13
1..9
ok 1 - other/passes
not ok 2 - toy/crashes
# CRASHED
not ok 3 - toy/exits
# the process exited with status 3 before the test ended
not ok 4 - toy/fails_eq
# FILE:LINE: two == 3: 2 != 3
not ok 5 - toy/fails_explicitly
# FILE:LINE: failed on purpose: 42
not ok 6 - toy/fails_str
# FILE:LINE: "left" == "right": "left" != "right"
not ok 7 - toy/hangs
# timed out after 1.5 s, killed
# a log line
# and a second one
ok 8 - toy/passes
ok 9 - toy/skips # SKIP skipped on purpose: no reason'

args='--list' run "$@"
expect "--list" 0 'other/passes
toy/crashes
toy/exits
toy/fails_eq
toy/fails_explicitly
toy/fails_str
toy/hangs
toy/passes
toy/skips'

args='--list toy/passes other' run "$@"
expect "--list of a test and a suite" 0 'other/passes
toy/passes'

args='toy/passes toy/skips' run "$@"
expect "two tests by name" 0 'TAP version 13
1..2
# a log line
# and a second one
ok 1 - toy/passes
ok 2 - toy/skips # SKIP skipped on purpose: no reason'

args='other' run "$@"
expect "a suite by name" 0 'TAP version 13
1..1
ok 1 - other/passes'

args='toy/nosuch' run "$@"
expect "an unknown name" 2 ''

args='--nosuch' run "$@"
expect "an unknown option" 2 ''

args='other' multiplier=zero run "$@"
expect "a bad MT_TIMEOUT_MULTIPLIER" 2 ''

[ $failures -eq 0 ] || { echo "$failures check(s) failed"; exit 1; }
