#!/bin/sh
# SPDX-License-Identifier: MIT
# The Mach-O counterpart of check-exports.sh and check-module-exports.sh, for a macOS
# build that cannot run here: libmio exports exactly the names of libmio.sym, each
# backend module is an MH_BUNDLE exporting only mio_backend_entry, everything is built for
# the right CPU, and nothing links or leaves undefined anything but libSystem (and libmio,
# for programs). One "PASS"/"FAIL" line per check on stdout; with -o FILE, also one JSON
# line per check appended to FILE in meson's testlog format, which .ci/tally.py counts.
# usage: check-macho.sh [-o FILE] x86_64|arm64 BUILDDIR LIBMIO_SYM MODULE_SYM BACKEND...
#        [-- PROGRAM...]   (programs relative to BUILDDIR: mio-info, examples, tests)
# NM, OTOOL, OBJDUMP override llvm-nm-14, llvm-otool-14, llvm-objdump-14.
set -u
nm=${NM:-llvm-nm-14} otool=${OTOOL:-llvm-otool-14} objdump=${OBJDUMP:-llvm-objdump-14}
out=
if [ "${1:-}" = -o ]; then
	out=$2
	shift 2
	touch "$out" || exit 1
fi
[ $# -ge 5 ] || { echo "usage: $0 [-o FILE] ARCH BUILDDIR LIBMIO_SYM MODULE_SYM BACKEND... [-- PROGRAM...]" >&2; exit 2; }
arch=$1 build=$2 libmio_sym=$3 module_sym=$4
shift 4
case $arch in
x86_64) cpu=X86_64 ;;
arm64) cpu=ARM64 ;;
*) echo "$0: unknown architecture $arch" >&2; exit 2 ;;
esac
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0

# result NAME STATUS MESSAGE: prints the line and records it.
result() {
	if [ "$2" = 0 ]; then
		echo "PASS macos-$arch: $3"
		r=OK
	else
		echo "FAIL macos-$arch: $3"
		r=FAIL
		failed=$((failed + 1))
	fi
	[ -z "$out" ] || printf '{"name": "macos-%s %s", "result": "%s"}\n' "$arch" "$1" "$r" >>"$out"
}

# The names a version script lists ("name;" words; "*;" is the local catch-all).
sym_names() {
	sed 's:/\*.*\*/::' "$1" | tr ' \t' '\n\n' |
		sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\);$/\1/p' | sort -u
}
# Defined external symbols, without Mach-O's leading underscore.
exports() {
	"$nm" -gU "$1" | awk '{ sub(/^_/, "", $3); print $3 }' | sort -u
}
# "CPU FILETYPE" from the Mach-O header.
header() {
	"$objdump" --macho --private-header "$1" | awk '$1 ~ /^MH_MAGIC/ { print $2, $5; exit }'
}
# The libraries a binary loads, its own install name left out.
linked() {
	self=$("$otool" -D "$1" | sed -n 2p)
	"$otool" -L "$1" | sed -n 's/^[[:space:]]*\([^ ]*\) (compatibility.*$/\1/p' |
		grep -vxF "${self:-/nonexistent}"
}
# Undefined symbols not bound to one of the allowed libraries (by two-level namespace
# ordinal; a flat or dynamic lookup is never allowed).
stray_undefined() {
	file=$1
	shift
	"$nm" -m -u "$file" | while read -r line; do
		ok=1
		for lib in "$@"; do
			case $line in *"(from $lib)") ok=0 ;; esac
		done
		[ $ok = 0 ] || echo "$line"
	done
}

# check_binary FILE LABEL FILETYPE LIB...: CPU, file type, linked libraries and undefined
# symbols (LIBs are short names, e.g. libSystem).
check_binary() {
	file=$1 label=$2 type=$3
	shift 3
	if [ ! -f "$file" ]; then
		result "$label" 1 "$label: $file was not built"
		return
	fi
	h=$(header "$file")
	[ "$h" = "$cpu $type" ]
	result "$label-header" $? "$label is $type for $cpu (header: ${h:-none})"

	allowed=
	for lib in "$@"; do
		case $lib in
		libSystem) allowed="$allowed /usr/lib/libSystem.B.dylib" ;;
		libmio) allowed="$allowed @rpath/libmio.0.dylib" ;;
		esac
	done
	linked "$file" >"$tmp/linked"
	bad=$(for l in $(cat "$tmp/linked"); do
		case " $allowed " in *" $l "*) ;; *) echo "$l" ;; esac
	done)
	[ -s "$tmp/linked" ] && [ -z "$bad" ]
	result "$label-links" $? "$label links only $* ($(tr '\n' ' ' <"$tmp/linked" | sed 's/ $//')${bad:+; unexpected: $bad})"

	stray_undefined "$file" "$@" >"$tmp/stray"
	[ ! -s "$tmp/stray" ]
	result "$label-undefined" $? "$label leaves nothing undefined beyond $*$([ -s "$tmp/stray" ] && printf ': %s' "$(tr '\n' ';' <"$tmp/stray")")"
}

# libmio: exactly libmio.sym's names, every one mio_*.
lib=$build/libmio/libmio.0.dylib
sym_names "$libmio_sym" >"$tmp/map"
if [ -f "$lib" ]; then
	exports "$lib" >"$tmp/exported"
	comm -3 "$tmp/exported" "$tmp/map" | tr -d '\t' >"$tmp/diff"
	grep -v '^mio_' "$tmp/exported" >"$tmp/prefix"
	[ -s "$tmp/map" ] && [ ! -s "$tmp/diff" ] && [ ! -s "$tmp/prefix" ]
	result libmio-exports $? "libmio exports $(wc -l <"$tmp/exported") symbols, libmio.sym lists $(wc -l <"$tmp/map")$([ -s "$tmp/diff" ] && printf '; differing: %s' "$(tr '\n' ' ' <"$tmp/diff")")"
fi
check_binary "$lib" libmio DYLIB libSystem

# Modules: one export each (the names of mio-backend.sym), bundles, libSystem only.
sym_names "$module_sym" >"$tmp/module-map"
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	m=$build/backends/mio-$1.so
	if [ -f "$m" ]; then
		exports "$m" >"$tmp/exported"
		cmp -s "$tmp/exported" "$tmp/module-map"
		result "mio-$1-exports" $? "mio-$1.so exports $(tr '\n' ' ' <"$tmp/exported" | sed 's/ $//'), mio-backend.sym lists $(tr '\n' ' ' <"$tmp/module-map" | sed 's/ $//')"
	fi
	check_binary "$m" "mio-$1" BUNDLE libSystem
	shift
done

# Programs: executables bound to libmio and libSystem, or to libSystem alone (mio-info
# links the core statically).
[ "${1:-}" = -- ] && shift
for p in "$@"; do
	check_binary "$build/$p" "$p" EXECUTE libmio libSystem
done

echo "macos-$arch: $failed check(s) failed"
[ $failed -eq 0 ]
