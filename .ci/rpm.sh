#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# packaging/libmio.spec: rpmlint on the spec and the packages, and rpmbuild from the
# release tarball with Debian's rpm (Fedora's meson macros from .ci/rpm-macros; --nodeps
# because the build dependencies are Fedora's names; --without check because the
# tarball's suite ran in `meson dist` just before).
# usage: .ci/rpm.sh TARBALL
set -euo pipefail
tarball=$1
top=$(mktemp -d /tmp/libmio-rpm.XXXXXX)
trap 'rm -rf "$top"' EXIT
mkdir -p "$top/SOURCES"
cp "$tarball" "$top/SOURCES/"
rpmlint -c packaging/rpmlint.toml packaging/libmio.spec
# Fedora's post-install step that matters here, compressing man pages; run it
# with bash, since Debian's brp-compress needs it (read -d) but rpm would use dash.
post="bash /usr/lib/rpm/brp-compress"
rpmbuild -bb --nodeps --without check --define "_topdir $top" --load .ci/rpm-macros \
	--define "__os_install_post $post" packaging/libmio.spec >"$top/build.log" 2>&1 || { tail -n 60 "$top/build.log"; exit 1; }
rpms=("$top"/RPMS/*/*.rpm)
printf '%s\n' "${rpms[@]##*/}"
rpmlint -c packaging/rpmlint.toml "${rpms[@]}"
# The tools package is a consumer of libmio.so.0 and nothing else of the core.
rpm -qp --requires "$top"/RPMS/*/libmio-tools-*.rpm | grep -q '^libmio\.so\.0()' ||
	{ echo "libmio-tools does not require libmio.so.0"; exit 1; }
