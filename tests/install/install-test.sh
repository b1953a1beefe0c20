#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the build into a DESTDIR under the build directory, then builds and runs a
# consumer with nothing but the installed files, found through pkg-config.
# Then the install layout: no RPATH/RUNPATH, the soname, the backend directory under the
# libdir, and `meson install --tags` splitting the files as the Debian packages do.
# usage: install-test.sh MESON BUILDDIR DESTDIR PREFIX LIBDIR BINDIR BACKENDDIR SOVERSION
#                        BACKENDS CONSUMER.c LIBKIND COMPILER...
# (LIBKIND: default_library, shared, static or both; static and both build a static
# consumer too, with pkg-config --static)
set -u
meson=$1 builddir=$2 destdir=$3 prefix=$4 libdir=$5 bindir=$6 backenddir=$7 soversion=$8
backends=$9 consumer=${10} libkind=${11}
shift 11
case $destdir in
"$builddir"/*) ;;
*) echo "refusing to use DESTDIR $destdir outside the build directory"; exit 1 ;;
esac
fail() { echo "FAIL: $*"; exit 1; }
command -v pkg-config >/dev/null || { echo "pkg-config not found"; exit 77; }


rm -rf "$destdir"
"$meson" install -C "$builddir" --destdir "$destdir" --no-rebuild --quiet ||
	fail "meson install"
# Meson records what it wrote (and DESTDIR itself): all of it must be inside DESTDIR.
outside=$(awk -v d="$destdir" '!/^#/ && $0 != d && index($0, d "/") != 1' \
	"$builddir/meson-logs/install-log.txt")
[ -z "$outside" ] || fail "installed outside DESTDIR: $outside"

# What the build promised: libmio.so.<soversion>, every backend, no test module.
shared=false static=false
case $libkind in shared) shared=true ;; static) static=true ;; both) shared=true static=true ;; esac
if $shared; then
	[ -e "$destdir$libdir/libmio.so.$soversion" ] || fail "no $libdir/libmio.so.$soversion"
	soname=$(readelf -d "$destdir$libdir/libmio.so.$soversion" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
	[ "$soname" = "libmio.so.$soversion" ] || fail "soname '$soname', expected libmio.so.$soversion"
fi
if $static; then
	[ -f "$destdir$libdir/libmio.a" ] || fail "no $libdir/libmio.a"
fi
case $backenddir in "$libdir/mio-$soversion") ;; *) fail "backend dir $backenddir is not $libdir/mio-$soversion" ;; esac
# Nothing installed carries an RPATH or RUNPATH (distributions reject them).
find "$destdir" -type f | while read -r f; do
	if readelf -d "$f" 2>/dev/null | grep -Eq '\((RPATH|RUNPATH)\)'; then echo "$f"; fi
done >"$destdir.rpath"
[ ! -s "$destdir.rpath" ] || fail "RPATH/RUNPATH in: $(cat "$destdir.rpath")"
rm -f "$destdir.rpath"
for b in $(echo "$backends" | tr ',' ' '); do
	[ -f "$destdir$backenddir/mio-$b.so" ] || fail "backend $b not installed"
done
[ ! -e "$destdir$backenddir/mio-mock.so" ] || fail "test module mio-mock.so installed"

pcdir=$destdir$libdir/pkgconfig
[ -f "$pcdir/mio.pc" ] || fail "no $libdir/pkgconfig/mio.pc"
pc() { PKG_CONFIG_PATH=$pcdir PKG_CONFIG_LIBDIR=$pcdir pkg-config "$@" mio; }
# As installed, backenddir is the directory libmio was built to load from.
pc_backenddir=$(pc --variable=backenddir) || fail "pkg-config --variable=backenddir"
[ "$pc_backenddir" = "$backenddir" ] ||
	fail "pkg-config backenddir $pc_backenddir, libmio uses $backenddir"
case $pc_backenddir in */mio-"$soversion") ;; *) fail "backenddir not .../mio-$soversion" ;; esac

# Everything else, relocated into DESTDIR.
in_dest() { pc --define-variable=prefix="$destdir$prefix" "$@"; }
flags=$(in_dest --cflags --libs $([ "$libkind" = static ] && echo --static)) ||
	fail "pkg-config --cflags --libs"
tmp=$(mktemp -d "$builddir/install-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2086 # the compiler command and flags are word lists
"$@" -o "$tmp/consumer" "$consumer" $flags || fail "building the consumer"

dest_backenddir=$(in_dest --variable=backenddir)
[ "$dest_backenddir" = "$destdir$backenddir" ] || fail "relocated backenddir $dest_backenddir"
run_consumer() { # run_consumer EXE: runs it on the installed backends; sets $chosen
	out=$(env -u MIO_BACKEND LD_LIBRARY_PATH="$destdir$libdir" MIO_BACKEND_DIR="$dest_backenddir" \
		"$1") || fail "$1 failed: $out"
	echo "$out"
	chosen=$(echo "$out" | sed -n 's/^backend: //p')
	case ",$backends," in *",$chosen,"*) ;; *) fail "$1 ran on '$chosen'" ;; esac
	echo "$out" | grep -q '^woken$' || fail "no waker roundtrip in $1"
}
# The libraries exe loads, as its own dynamic linker lists them: ldd is glibc's, but glibc's
# and musl's linkers both take --list.
loaded_libs() {
	interp=$(readelf -l "$1" | sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')
	[ -n "$interp" ] || fail "$1 names no dynamic linker"
	LD_LIBRARY_PATH="$destdir$libdir" "$interp" --list "$1"
}
if [ "$libkind" = static ]; then
	cp "$tmp/consumer" "$tmp/consumer-static"
else
	run_consumer "$tmp/consumer"
	# The consumer must have used the installed libmio, not the build tree's.
	loaded_libs "$tmp/consumer" | grep -q "$destdir$libdir/libmio.so.$soversion" ||
		fail "consumer does not load $destdir$libdir/libmio.so.$soversion"
	# The installed mio-info is a consumer of the installed libmio.
	loaded_libs "$destdir$bindir/mio-info" | grep -q "$destdir$libdir/libmio.so.$soversion" ||
		fail "mio-info does not load libmio.so.$soversion"
fi
if $static; then
	# A static consumer: libmio.a and what mio.pc's Libs.private adds; libc stays dynamic
	# (dlopen). It finds the backends exactly as a shared one does.
	sflags=$(in_dest --static --cflags --libs | sed 's/-lmio\>/-l:libmio.a/') ||
		fail "pkg-config --static"
	# shellcheck disable=SC2086
	[ "$libkind" = static ] || "$@" -o "$tmp/consumer-static" "$consumer" $sflags ||
		fail "building the static consumer"
	! readelf -d "$tmp/consumer-static" | grep -q 'NEEDED.*libmio' ||
		fail "the static consumer needs a shared libmio"
	run_consumer "$tmp/consumer-static"
	echo "static consumer ok"
fi

# The installed mio-info finds the installed backends too.
info=$(env -u MIO_BACKEND LD_LIBRARY_PATH="$destdir$libdir" MIO_BACKEND_DIR="$dest_backenddir" \
	"$destdir$bindir/mio-info") || fail "installed mio-info failed: $info"
echo "$info" | grep -q "^chosen: $chosen (" || fail "mio-info disagrees: $info"

# The install tags split the files as packaging/debian does: runtime (libmio0), devel
# (libmio-dev), bin (mio-tools), doc and man (libmio-dev, mio-tools); nothing untagged.
find "$destdir" ! -type d | sed "s|^$destdir||" | sort >"$tmp/all"
: >"$tmp/tagged"
for tag in runtime devel bin doc man; do
	"$meson" install -C "$builddir" --destdir "$tmp/$tag" --no-rebuild --quiet --tags "$tag" ||
		fail "meson install --tags $tag"
	find "$tmp/$tag" ! -type d 2>/dev/null | sed "s|^$tmp/$tag||" | sort >"$tmp/$tag.list"
	cat "$tmp/$tag.list" >>"$tmp/tagged"
	while read -r f; do
		case $tag:$f in
		runtime:"$libdir"/libmio.so.*|runtime:"$backenddir"/mio-*.so) ;;
		devel:"$prefix"/include/mio/*.h|devel:"$libdir"/libmio.so|devel:"$libdir"/libmio.a) ;;
		devel:"$libdir"/pkgconfig/mio.pc|bin:"$bindir"/mio-info) ;;
		doc:"$prefix"/share/doc/libmio/*|man:"$prefix"/share/man/man[137]/*) ;;
		*) fail "install tag $tag has $f, which its package does not hold" ;;
		esac
	done <"$tmp/$tag.list"
done
sort "$tmp/tagged" | uniq -d >"$tmp/twice"
[ ! -s "$tmp/twice" ] || fail "files with two install tags: $(cat "$tmp/twice")"
sort -u "$tmp/tagged" | comm -23 "$tmp/all" - >"$tmp/untagged"
[ ! -s "$tmp/untagged" ] || fail "files without an install tag: $(cat "$tmp/untagged")"
[ -s "$tmp/runtime.list" ] && [ -s "$tmp/devel.list" ] || fail "runtime or devel tag empty"
echo "install tags split as the packages do"
rm -rf "$destdir"
