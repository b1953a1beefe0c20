#!/bin/sh
# SPDX-License-Identifier: MIT
# Every man page renders without a warning from man or groff (what lintian checks).
# usage: check-man.sh PAGE_OR_DIR...
set -u
command -v man >/dev/null || { echo "man not found"; exit 77; }
status=0 count=0
for arg; do
	if [ -d "$arg" ]; then set -- "$arg"/*; else set -- "$arg"; fi
	for page; do
		dir=$(dirname "$page")
		# A link page (".so man3/x.3") is checked by its target, which must exist.
		link=$(sed -n '1s/^\.so //p' "$page")
		if [ -n "$link" ] && [ "$(wc -l <"$page")" -eq 1 ]; then
			[ -f "$dir/../$link" ] || { echo "FAIL: $page links to missing $link"; status=1; }
			continue
		fi
		# .so links are resolved relative to the man root, as man(1) does when installed.
		out=$(cd "$dir/.." 2>/dev/null && LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings \
			-E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)
		count=$((count + 1))
		if [ -n "$out" ]; then
			echo "FAIL: $page:"
			echo "$out" | sed 's/^/  /'
			status=1
		fi
	done
done
echo "$count man pages render without warnings (link pages checked by their target)"
exit $status
