#!/bin/sh
# SPDX-License-Identifier: MIT
# Public headers compile warning-free as strict C99 (or C++11), each one on its own and
# together, and the declarations link against libmio.
# usage: check-headers.sh c|c++ SRC_INCDIR BUILD_INCDIR LIBMIO_SO CONSUMER.c COMPILER...
set -u
lang=$1 src_inc=$2 build_inc=$3 lib=$4 consumer=$5
shift 5
case $lang in
c) flags='-std=c99 -Wstrict-prototypes -Wmissing-prototypes' ;;
c++) flags='-std=c++11' ;;
*) echo "unknown language $lang"; exit 2 ;;
esac
flags="$flags -pedantic -Werror -Wall -Wextra -I$src_inc -I$build_inc"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
# Something to compile besides the header: ISO C forbids an empty translation unit.
echo 'typedef int check_headers_nonempty;' >"$tmp/tu"

for h in "$src_inc"/mio/*.h "$build_inc"/mio/*.h; do
	[ -f "$h" ] || continue
	# $flags and the compiler command are word lists on purpose.
	# shellcheck disable=SC2086
	if ! "$@" $flags -x "$lang" -include "$h" -c "$tmp/tu" -o "$tmp/h.o"; then
		echo "FAIL: $h does not compile on its own as $lang"
		status=1
	fi
done
# shellcheck disable=SC2086
if ! "$@" $flags -x "$lang" "$consumer" -x none "$lib" -o "$tmp/consumer"; then
	echo "FAIL: $consumer does not build as $lang against $lib"
	status=1
fi
exit $status
