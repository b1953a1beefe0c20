#!/bin/sh
# SPDX-License-Identifier: MIT
# packaging/debian/libmio0.symbols lists exactly the symbols of libmio.sym, each with the
# version node it is in, and every node itself (dpkg-gensymbols' form).
# usage: check-debian-symbols.sh LIBMIO_SYM DEBIAN_SYMBOLS
set -u
map=$1 symbols=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# "name@NODE" for every global of every node, and "NODE@NODE" for the nodes.
awk '
	/^[A-Za-z_][A-Za-z0-9_.]* *\{/ { node = $1; sub(/\{.*/, "", node); print node "@" node }
	/^[[:space:]]*local:/ { node = "" }
	node != "" && /^[[:space:]]*[A-Za-z_][A-Za-z0-9_]*;/ {
		name = $1; sub(/;.*/, "", name); print name "@" node }
' "$map" | sort >"$tmp/map"
sed -n 's/^ \([A-Za-z_][A-Za-z0-9_.]*@[A-Za-z0-9_.]*\) .*/\1/p' "$symbols" | sort >"$tmp/deb"
[ -s "$tmp/map" ] || { echo "no symbols read from $map"; exit 1; }
head -1 "$symbols" | grep -q '^libmio\.so\.0 libmio0 #MINVER#$' ||
	{ echo "$symbols: first line is not 'libmio.so.0 libmio0 #MINVER#'"; exit 1; }
if ! diff -u "$tmp/map" "$tmp/deb" >"$tmp/diff"; then
	echo "$symbols and $map disagree (- only in the map, + only in the symbols file):"
	tail -n +3 "$tmp/diff" | grep '^[-+]'
	exit 1
fi
echo "$(wc -l <"$tmp/map") entries: libmio0.symbols = libmio.sym"
