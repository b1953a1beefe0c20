#!/bin/sh
# SPDX-License-Identifier: MIT
# libmio exports exactly the functions its version script lists, the version script lists
# exactly the MIO_API functions of the public headers, and everything starts with mio_.
# usage: check-exports.sh LIBMIO_SO LIBMIO_SYM INCDIR... (those holding mio/*.h: the source
# tree's and the build tree's, which has the generated mio/version.h)
set -u
lib=$1 map=$2
shift 2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0

# nm -D prints "addr type name@@NODE"; type A entries are the version nodes themselves.
nm -D --defined-only "$lib" >"$tmp/nm" || exit 1
awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' "$tmp/nm" | sort -u >"$tmp/exported"
# The names in the map's global: sections.
sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\);.*$/\1/p' "$map" | sort -u >"$tmp/map"
# MIO_API declarations: comments and preprocessor lines removed, then the identifier
# before the first '(' of every statement with MIO_API.
# shellcheck disable=SC2020 # each of ;{} ends a statement
for incdir; do cat "$incdir"/mio/*.h; done | grep -v '^[[:space:]]*#' | tr '\n' ' ' |
	sed 's:/\*[^*]*\*\+\([^/*][^*]*\*\+\)*/: :g' | tr ';{}' '\n\n\n' |
	sed -n 's/^.*\<MIO_API\>[^(]*[^A-Za-z0-9_(]\([A-Za-z_][A-Za-z0-9_]*\)[[:space:]]*(.*$/\1/p' |
	sort -u >"$tmp/declared"

[ -s "$tmp/exported" ] || { echo "no exported symbols found in $lib"; exit 1; }
[ -s "$tmp/declared" ] || { echo "no MIO_API declarations found"; exit 1; }

report() { # report FILE MESSAGE: fails with the symbols in FILE, if any
	if [ -s "$1" ]; then
		echo "$2:"
		sed 's/^/  /' "$1"
		status=1
	fi
}
grep -v '^mio_' "$tmp/exported" >"$tmp/bad-prefix"
report "$tmp/bad-prefix" "exported without the mio_ prefix"
comm -23 "$tmp/exported" "$tmp/map" >"$tmp/x"
report "$tmp/x" "exported but not in $map"
comm -13 "$tmp/exported" "$tmp/map" >"$tmp/x"
report "$tmp/x" "in $map but not exported"
comm -13 "$tmp/map" "$tmp/declared" >"$tmp/x"
report "$tmp/x" "declared MIO_API but missing from $map"
comm -23 "$tmp/map" "$tmp/declared" >"$tmp/x"
report "$tmp/x" "in $map but declared MIO_API in no public header"
[ $status -eq 0 ] && echo "$(wc -l <"$tmp/exported") symbols: exported = map = declared"
exit $status
