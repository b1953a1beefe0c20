#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The Debian packages as a distribution builds them (issue 11): packaging/debian/ copied to
# debian/ in a scratch copy of the committed tree, dpkg-buildpackage (its dh_auto_test runs
# the suite), lintian failing on any error or warning but initial-upload-closes-no-bugs,
# install, a consumer built with pkg-config and run, mio-info, purge.
# usage: .ci/deb.sh (from the top of a git checkout; needs root for apt)
set -euo pipefail
version=$(sed -n "s/^  version: '\([^']*\)',\$/\1/p" meson.build)
[ -n "$version" ] || { echo "no version in meson.build"; exit 1; }
work=$(mktemp -d /tmp/libmio-deb.XXXXXX)
trap '[ -n "${KEEP_WORK-}" ] || rm -rf "$work"' EXIT
src=$work/libmio-$version
git archive --format=tar --prefix="libmio-$version/" HEAD | tar -x -C "$work"
cp -a packaging/debian "$src/debian"

echo "== dpkg-buildpackage -us -uc -b (parallel=2)"
(cd "$src" && DEB_BUILD_OPTIONS="parallel=2 ${DEB_BUILD_OPTIONS-}" \
	dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) ||
	{ tail -n 80 "$work/build.log"; exit 1; }
grep -E '^(Ok|Fail|Skipped|Timeout): ' "$work/build.log" || true
changes=$(ls "$work"/libmio_"$version"-*_*.changes)

echo "== lintian (build took ${SECONDS}s)"
lintian --fail-on error,warning --suppress-tags initial-upload-closes-no-bugs \
	--display-info --pedantic --display-experimental "$changes"
echo "lintian: no error or warning (${SECONDS}s so far)"

echo "== install, use, purge"
debs=()
for p in libmio0 libmio-dev mio-tools; do debs+=("$(ls "$work/${p}_$version"-*.deb)"); done
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${debs[@]}" >/dev/null
status=0
readelf -d /usr/bin/mio-info | grep -q 'NEEDED.*\[libmio\.so\.0\]' ||
	{ echo "mio-info does not link libmio.so.0"; status=1; }
AUTOPKGTEST_TMP=$work sh "$src/debian/tests/build-consumer" || status=1
man -l "$(man -w mio-info)" >/dev/null && man -w mio_poll_new >/dev/null ||
	{ echo "installed man pages missing"; status=1; }
apt-get -o DPkg::Lock::Timeout=600 purge -y -qq libmio0 libmio-dev mio-tools >/dev/null
if [ -e /usr/bin/mio-info ] || ls /usr/lib/*/libmio.so* /usr/lib/*/mio-0 >/dev/null 2>&1; then
	echo "files left after purge"
	status=1
fi
echo "install, use, purge done (${SECONDS}s in all)"
[ $status -eq 0 ] && echo "deb: 1 passed, 0 failed" || echo "deb: 0 passed, 1 failed"
exit $status
