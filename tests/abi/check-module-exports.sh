#!/bin/sh
# SPDX-License-Identifier: MIT
# Every backend module exports one symbol, mio_backend_entry, and nothing else.
# usage: check-module-exports.sh MODULE...
set -u
[ $# -gt 0 ] || { echo "no modules given"; exit 1; }
status=0
for m in "$@"; do
	syms=$(nm -D --defined-only "$m" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }') ||
		exit 1
	if [ "$syms" != mio_backend_entry ]; then
		echo "$m exports:"
		echo "$syms" | sed 's/^/  /'
		status=1
	fi
done
exit $status
