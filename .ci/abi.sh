#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# libmio's ABI against the baseline of the last release (abi/libmio.so.0.abi, libabigail's
# abidw XML): fails on an incompatible change (abidiff's bit 8), on any change to an
# existing function or variable (a type's size or layout, a parameter), and on an added symbol
# that is not in a version node of its own: in no node at all (missing from libmio.sym),
# or in a node the baseline already has (a released node must not grow).
# usage: .ci/abi.sh BUILDDIR (a build of libmio with debug info, as the default buildtype)
set -uo pipefail
build=$1
baseline=abi/libmio.so.0.abi
lib=$(ls "$build"/libmio/libmio.so.0.*.* 2>/dev/null | head -n 1)
[ -f "$lib" ] || { echo "no libmio.so.0.x.y in $build/libmio"; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
abidiff --headers-dir2 libmio/include/mio --headers-dir2 "$build/libmio/include/mio" \
	"$baseline" "$lib" >"$out"
rc=$?
cat "$out"
if [ $((rc & 3)) -ne 0 ]; then
	echo "abidiff failed (exit status $rc)"
	exit 1
fi
if [ $((rc & 8)) -ne 0 ]; then
	echo "FAIL: incompatible ABI change against $baseline (needs a soname bump: docs/releasing.md)"
	exit 1
fi
status=0
# abidiff sets bit 8 only for what is incompatible for certain (a removed symbol); a
# changed type (a struct's size, a parameter) is bit 4 like an addition: fail on those too.
if grep -Eq 'changes summary: [0-9]+ Removed, [1-9][0-9]* Changed|changes summary: [1-9]' "$out"; then
	echo "FAIL: existing functions or variables changed or were removed against $baseline"
	status=1
fi
released=$(sed -n "s/.*<elf-symbol .* version='\([^']*\)'.*/\1/p" "$baseline" | sort -u)
# Added symbols are listed as "[A] 'function ...'    {name@@NODE}".
for added in $(sed -n "s/^ *\[A\] .*{\([^}]*\)}.*$/\1/p" "$out"); do
	node=${added#*@@}
	if [ "$node" = "$added" ]; then
		echo "FAIL: $added is exported without a version node: add it to libmio/libmio.sym"
		status=1
	elif echo "$released" | grep -qx "$node"; then
		echo "FAIL: ${added%%@@*} was added to $node, a node of the baseline: put it in a new node"
		status=1
	fi
done
[ $status -eq 0 ] && echo "abi: compatible with $baseline (abidiff exit status $rc)"
exit $status
