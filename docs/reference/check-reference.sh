#!/bin/sh
# SPDX-License-Identifier: MIT
# Every function libmio exports has its page in the reference (man3/<name>.3, which
# Doxygen writes only for documented members); prints how many are documented.
# usage: check-reference.sh MAN3DIR LIBMIO_SYM HEADER... (the headers in the reference)
set -u
man3=$1 map=$2
shift 2
status=0 documented=0 total=0
for sym in $(sed -n 's/^[[:space:]]*\(mio_[a-z0-9_]*\);.*$/\1/p' "$map"); do
	total=$((total + 1))
	if [ -f "$man3/$sym.3" ]; then
		documented=$((documented + 1))
		continue
	fi
	if grep -q "MIO_API.*\\<$sym[[:space:]]*(" "$@"; then
		echo "FAIL: $sym is declared in a reference header but has no page"
	else
		echo "FAIL: $sym is declared in none of the reference's headers (docs/meson.build)"
	fi
	status=1
done
[ "$total" -gt 0 ] || { echo "FAIL: no exported function found in $map"; status=1; }
echo "$documented of $total exported functions documented in the reference"
exit $status
