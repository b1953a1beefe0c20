#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the build into a DESTDIR under the build directory, then builds and runs a
# consumer with nothing but the installed files, found through pkg-config.
# usage: install-test.sh MESON BUILDDIR DESTDIR PREFIX LIBDIR BINDIR BACKENDDIR SOVERSION
#                        BACKENDS CONSUMER.c COMPILER...
set -u
meson=$1 builddir=$2 destdir=$3 prefix=$4 libdir=$5 bindir=$6 backenddir=$7 soversion=$8
backends=$9 consumer=${10}
shift 10
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
[ -e "$destdir$libdir/libmio.so.$soversion" ] || fail "no $libdir/libmio.so.$soversion"
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
flags=$(in_dest --cflags --libs) || fail "pkg-config --cflags --libs"
tmp=$(mktemp -d "$builddir/install-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2086 # the compiler command and flags are word lists
"$@" -o "$tmp/consumer" "$consumer" $flags || fail "building the consumer"

dest_backenddir=$(in_dest --variable=backenddir)
[ "$dest_backenddir" = "$destdir$backenddir" ] || fail "relocated backenddir $dest_backenddir"
out=$(env -u MIO_BACKEND LD_LIBRARY_PATH="$destdir$libdir" MIO_BACKEND_DIR="$dest_backenddir" \
	"$tmp/consumer") || fail "consumer failed: $out"
echo "$out"
chosen=$(echo "$out" | sed -n 's/^backend: //p')
case ",$backends," in *",$chosen,"*) ;; *) fail "consumer ran on '$chosen'" ;; esac
echo "$out" | grep -q '^woken$' || fail "no waker roundtrip"
# The consumer must have used the installed libmio, not the build tree's.
LD_LIBRARY_PATH="$destdir$libdir" ldd "$tmp/consumer" | grep -q "$destdir$libdir/libmio.so.$soversion" ||
	fail "consumer does not load $destdir$libdir/libmio.so.$soversion"

# The installed mio-info is a consumer of the installed libmio, and finds the installed
# backends too.
LD_LIBRARY_PATH="$destdir$libdir" ldd "$destdir$bindir/mio-info" |
	grep -q "$destdir$libdir/libmio.so.$soversion" || fail "mio-info does not load libmio.so.$soversion"
info=$(env -u MIO_BACKEND LD_LIBRARY_PATH="$destdir$libdir" MIO_BACKEND_DIR="$dest_backenddir" \
	"$destdir$bindir/mio-info") || fail "installed mio-info failed: $info"
echo "$info" | grep -q "^chosen: $chosen (" || fail "mio-info disagrees: $info"
rm -rf "$destdir"
