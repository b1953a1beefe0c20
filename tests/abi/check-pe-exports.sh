#!/bin/sh
# SPDX-License-Identifier: MIT
# Windows DLLs (read with objdump -p): libmio's DLL exports only mio_* functions, exactly the
# version script's names less the POSIX-only ones (Unix sockets, pipes), and every backend
# module exports exactly mio_backend_entry.
# usage: check-pe-exports.sh OBJDUMP LIBMIO_DLL LIBMIO_SYM [MODULE...]
set -u
objdump=$1 lib=$2 map=$3
shift 3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0

# The names listed under "[Ordinal/Name Pointer] Table" in the export section.
exports() {
	"$objdump" -p "$1" | awk '/^\[Ordinal\/Name Pointer\] Table/ { on = 1; next }
		on && NF == 0 { on = 0 } on { print $NF }' | sort -u
}

exports "$lib" >"$tmp/exported" || exit 1
[ -s "$tmp/exported" ] || { echo "no exports found in $lib"; exit 1; }
sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\);.*$/\1/p' "$map" |
	grep -v '^mio_unix_\|^mio_pipe_' | sort -u >"$tmp/expected"

if grep -v '^mio_' "$tmp/exported" >"$tmp/foreign"; then
	echo "$lib exports names without the mio_ prefix:"; sed 's/^/  /' "$tmp/foreign"; status=1
fi
if ! cmp -s "$tmp/exported" "$tmp/expected"; then
	echo "$lib exports differ from $map (less mio_unix_*, mio_pipe_*): < exported, > expected"
	diff "$tmp/exported" "$tmp/expected" | grep '^[<>]'
	status=1
fi
for m in "$@"; do
	syms=$(exports "$m")
	if [ "$syms" != mio_backend_entry ]; then
		echo "$m exports:"; echo "$syms" | sed 's/^/  /'; status=1
	fi
done
exit $status
