#!/bin/sh
# SPDX-License-Identifier: MIT
# Every function libmio exports has its page in the reference (man3/<name>.3, which
# Doxygen writes only for documented members), unless its header is not in the reference
# yet; prints how many are documented.
# usage: check-reference.sh MAN3DIR LIBMIO_SYM HEADER... (the headers in the reference)
set -u
man3=$1 map=$2
shift 2
status=0 documented=0 pending=0 total=0
for sym in $(sed -n 's/^[[:space:]]*\(mio_[a-z0-9_]*\);.*$/\1/p' "$map"); do
	total=$((total + 1))
	if [ -f "$man3/$sym.3" ]; then
		documented=$((documented + 1))
	elif grep -q "MIO_API.*\\<$sym[[:space:]]*(" "$@"; then
		echo "FAIL: $sym is declared in a reference header but has no page"
		status=1
	else
		pending=$((pending + 1))
		pending_names="${pending_names-} $sym"
	fi
done
echo "$documented of $total exported functions documented in the reference"
[ "$pending" -eq 0 ] || echo "$pending in headers not in the reference yet:${pending_names-}"
exit $status
