#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `meson dist`: the release tarball libmio-<version>.tar.xz from the committed tree, with
# its own build and test run (meson's), copied to OUTDIR.
# usage: .ci/dist.sh OUTDIR
set -euo pipefail
out=$1
build=$(mktemp -d /tmp/libmio-dist.XXXXXX)
trap 'rm -rf "$build"' EXIT
meson setup "$build" -Ddocs=disabled >/dev/null
meson dist -C "$build" --formats xztar >"$build/dist.log" 2>&1 || { tail -n 60 "$build/dist.log"; exit 1; }
grep -E "^(Ok|Fail|Skipped|Timeout): " "$build/dist.log" || true
version=$(meson introspect --projectinfo "$build" | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
tarball=$build/meson-dist/libmio-$version.tar.xz
[ -f "$tarball" ] || { echo "no $tarball"; exit 1; }
mkdir -p "$out"
cp "$tarball" "$tarball.sha256sum" "$out/"
echo "dist: $(basename "$tarball")"
