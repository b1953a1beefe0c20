#!/bin/sh
# SPDX-License-Identifier: MIT
# usage: check-soname.sh LIBMIO_SO EXPECTED_SONAME
set -u
soname=$(readelf -d "$1" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
[ "$soname" = "$2" ] && exit 0
echo "soname of $1 is '$soname', expected '$2'"
exit 1
