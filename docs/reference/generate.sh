#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs Doxygen and keeps what is installed: html/ and man3/ with libmio's own pages only
# (mio_*, MIO_*: functions, types, macros and groups; not Doxygen's pages for header files
# or struct members, whose names would clash with other packages').
# usage: generate.sh DOXYGEN DOXYFILE OUTDIR (OUTDIR is the Doxyfile's OUTPUT_DIRECTORY)
set -eu
doxygen=$1 doxyfile=$2 outdir=$3
rm -rf "$outdir/html" "$outdir/man" "$outdir/man3"
"$doxygen" "$doxyfile"
mkdir "$outdir/man3"
for page in "$outdir"/man/man3/mio_*.3 "$outdir"/man/man3/MIO_*.3; do
	[ -e "$page" ] && mv "$page" "$outdir/man3/"
done
rm -rf "$outdir/man"
