#!/bin/sh
# SPDX-License-Identifier: MIT
# The Mach-O counterpart of check-exports.sh, check-module-exports.sh and check-soname.sh,
# for a macOS build: libmio exports exactly the names of libmio.sym and has the install
# name programs record, each backend module is an MH_BUNDLE exporting only
# mio_backend_entry, everything is built for the right CPU, and nothing links or leaves
# undefined anything but libSystem (and libmio, for programs). One "PASS"/"FAIL" line per
# check on stdout; with -o FILE, also one JSON line per check appended to FILE in meson's
# testlog format, which .ci/tally.py counts; with -l ELF_LIBMIO, libmio's exports are also
# compared with a Linux build's.
# usage: check-macho.sh [-o FILE] [-l ELF_LIBMIO] x86_64|arm64 BUILDDIR LIBMIO_SYM MODULE_SYM
#        BACKEND... [-- PROGRAM...]   (programs relative to BUILDDIR: mio-info, examples...)
# NM, OTOOL, OBJDUMP override llvm-nm-14, llvm-otool-14, llvm-objdump-14.
set -u
nm=${NM:-llvm-nm-14} otool=${OTOOL:-llvm-otool-14} objdump=${OBJDUMP:-llvm-objdump-14}
usage="usage: $0 [-o FILE] [-l ELF_LIBMIO] ARCH BUILDDIR LIBMIO_SYM MODULE_SYM BACKEND..."
out='' elf=''
while [ $# -ge 2 ]; do
	case $1 in
	-o) out=$2 ;;
	-l) elf=$2 ;;
	*) break ;;
	esac
	shift 2
done
[ -z "$out" ] || touch "$out" || exit 1
[ $# -ge 5 ] || { echo "$usage" >&2; exit 2; }
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

# (Functions share the script's variables: each uses names of its own.)

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
	[ -z "$out" ] ||
		printf '{"name": "macos-%s %s", "result": "%s"}\n' "$arch" "$1" "$r" >>"$out"
}

# A file's lines as one line of words.
words() {
	tr '\n' ' ' <"$1" | sed 's/ $//'
}
# The names a version script lists ("name;" words outside comments; "*;" is the local
# catch-all). Comments may span lines: the file is one line first, as check-exports.sh
# reads headers.
sym_names() {
	tr '\n' ' ' <"$1" | sed 's:/\*[^*]*\*\+\([^/*][^*]*\*\+\)*/: :g' | tr -s ' \t' '\n' |
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
# The install name of a dylib (empty for other files).
install_name() {
	"$otool" -D "$1" | sed -n 2p
}
# The libraries a binary loads, its own install name left out.
linked() {
	self=$(install_name "$1")
	"$otool" -L "$1" | sed -n 's/^[[:space:]]*\([^ ]*\) (compatibility.*$/\1/p' |
		grep -vxF "${self:-/nonexistent}"
}
# Undefined symbols not bound to one of the allowed libraries (by two-level namespace
# ordinal; a flat or dynamic lookup is never allowed).
stray_undefined() {
	undef_file=$1
	shift
	"$nm" -m -u "$undef_file" | while read -r line; do
		ok=1
		for allowed_lib in "$@"; do
			case $line in *"(from $allowed_lib)") ok=0 ;; esac
		done
		[ $ok = 0 ] || echo "$line"
	done
}

# check_binary FILE LABEL FILETYPE LIB...: CPU, file type, linked libraries and undefined
# symbols (LIBs are short names: libSystem, libmio).
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
	for allowed_lib in "$@"; do
		case $allowed_lib in
		libSystem) allowed="$allowed /usr/lib/libSystem.B.dylib" ;;
		libmio) allowed="$allowed @rpath/libmio.0.dylib" ;;
		esac
	done
	linked "$file" >"$tmp/linked"
	: >"$tmp/unexpected"
	while read -r l; do
		case " $allowed " in *" $l "*) ;; *) echo "$l" >>"$tmp/unexpected" ;; esac
	done <"$tmp/linked"
	[ -s "$tmp/linked" ] && [ ! -s "$tmp/unexpected" ]
	result "$label-links" $? "$label links only $* ($(words "$tmp/linked"))"

	stray_undefined "$file" "$@" >"$tmp/stray"
	stray=$(sed 's/^/; /' "$tmp/stray" | tr -d '\n')
	[ -z "$stray" ]
	result "$label-undefined" $? "$label leaves nothing undefined beyond $*$stray"
}

# libmio: exactly libmio.sym's names, every one mio_*; the install name programs record.
lib=$build/libmio/libmio.0.dylib
sym_names "$libmio_sym" >"$tmp/map"
if [ -f "$lib" ]; then
	exports "$lib" >"$tmp/exported"
	comm -3 "$tmp/exported" "$tmp/map" | tr -d '\t' >"$tmp/diff"
	grep -v '^mio_' "$tmp/exported" >"$tmp/prefix"
	[ -s "$tmp/map" ] && [ ! -s "$tmp/diff" ] && [ ! -s "$tmp/prefix" ]
	result libmio-exports $? "libmio exports $(wc -l <"$tmp/exported") symbols, libmio.sym \
lists $(wc -l <"$tmp/map")$([ -s "$tmp/diff" ] && echo "; differing: $(words "$tmp/diff")")"
	if [ -n "$elf" ]; then
		"$nm" -D --defined-only "$elf" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' |
			sort -u >"$tmp/elf"
		cmp -s "$tmp/exported" "$tmp/elf"
		result libmio-exports-as-linux $? "libmio exports the same names as the Linux \
build ($(wc -l <"$tmp/exported") here, $(wc -l <"$tmp/elf") in $elf)"
	fi
	id=$(install_name "$lib")
	[ "$id" = @rpath/libmio.0.dylib ]
	result libmio-install-name $? "libmio's install name is ${id:-missing}"
fi
check_binary "$lib" libmio DYLIB libSystem

# Modules: the names of mio-backend.sym and nothing else, bundles, libSystem only.
sym_names "$module_sym" >"$tmp/module-map"
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	m=$build/backends/mio-$1.so
	if [ -f "$m" ]; then
		exports "$m" >"$tmp/exported"
		cmp -s "$tmp/exported" "$tmp/module-map"
		result "mio-$1-exports" $? "mio-$1.so exports $(words "$tmp/exported")\
 (mio-backend.sym: $(words "$tmp/module-map"))"
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
