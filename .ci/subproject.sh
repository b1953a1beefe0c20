#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# libmio as a Meson subproject of tests/subproject: the parent builds against mio_dep, its
# test finds the build tree's backends through get_variable('backenddir'), `meson devenv`
# runs the consumer, libmio's own tests are not the parent's, and the parent's install has
# the library and backends but no mio-info, docs or man pages.
# usage: .ci/subproject.sh (from the top of a git checkout)
set -euo pipefail
work=$(mktemp -d /tmp/libmio-subproject.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cp tests/subproject/meson.build tests/install/consumer.c "$work/"
mkdir "$work/subprojects"
git archive --format=tar --prefix=libmio/ HEAD | tar -x -C "$work/subprojects"
cd "$work"
meson setup build --wrap-mode=nodownload --force-fallback-for=mio >setup.log ||
	{ cat setup.log; fail "meson setup"; }
meson compile -C build >/dev/null || fail "meson compile"
tests=$(meson test -C build --list 2>/dev/null | grep -v "^ninja: ")
[ "$tests" = consumer ] || fail "the parent's tests are '$tests', expected only consumer"
meson test -C build --print-errorlogs || fail "meson test"
out=$(meson devenv -C build ./consumer) || fail "meson devenv ./consumer: $out"
echo "$out" | grep -q '^woken$' || fail "devenv consumer: $out"
meson install -C build --destdir "$work/dest" >/dev/null || fail "meson install"
find dest ! -type d | sed 's|^dest||' | sort >installed
grep -q '/libmio\.so\.0$' installed || fail "libmio.so.0 not installed"
grep -q '/mio-0/mio-poll\.so$' installed || fail "backends not installed"
grep -q '/bin/consumer$' installed || fail "the parent's program not installed"
if grep -E '/bin/mio-info$|/share/doc/|/share/man/' installed; then
	fail "a subproject libmio installed tools or docs"
fi
echo "subproject: 1 passed, 0 failed"
