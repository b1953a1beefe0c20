#!/bin/sh
# SPDX-License-Identifier: MIT
# mio-info's output and exit codes, one case per meson test entry.
# usage: mio-info-test.sh CASE MIO_INFO BACKEND_DIR TEST_MODULE_DIR ABI_MAJOR ABI_MINOR VERSION
#                         [ARG]
# (the ABI is the core's, from plugins/include/mio-backend.h; VERSION the project's)
# A cross-built mio-info runs through meson's exe wrapper (MESON_EXE_WRAPPER: wine for the
# Windows build); its CRLF line ends are read as LF.
set -u

case_name=$1 mio_info=$2 backend_dir=$3 module_dir=$4 abi_major=$5 abi_minor=$6 version=$7
arg=${8-}
abi="$abi_major\\.$abi_minor"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
unset MIO_BACKEND MIO_DEBUG
MIO_BACKEND_DIR=$backend_dir
export MIO_BACKEND_DIR

fail() {
	echo "FAIL ($case_name): $*" >&2
	echo "--- stdout:" >&2; cat "$tmp/out" >&2
	echo "--- stderr:" >&2; cat "$tmp/err" >&2
	exit 1
}

unix_lines() {
	for f in "$tmp/out" "$tmp/err"; do tr -d '\r' <"$f" >"$f.lf" && mv "$f.lf" "$f"; done
}

# run EXPECTED_STATUS [VAR=value...]: runs mio-info in that environment.
run() {
	want=$1
	shift
	env "$@" ${MESON_EXE_WRAPPER:-} "$mio_info" >"$tmp/out" 2>"$tmp/err"
	status=$?
	unix_lines
	[ "$status" -eq "$want" ] || fail "exit status $status, expected $want"
}

has_out() { grep -q -- "$1" "$tmp/out" || fail "stdout lacks '$1'"; }
has_err() { grep -q -- "$1" "$tmp/err" || fail "stderr lacks '$1'"; }
no_chosen() { ! grep -q '^chosen:' "$tmp/out" || fail "a backend was chosen"; }

case $case_name in
chosen) # ARG: a built backend, named in MIO_BACKEND
	run 0 MIO_BACKEND="$arg"
	has_out "^chosen: $arg (from MIO_BACKEND)\$"
	has_out "^backend directory: $backend_dir (from MIO_BACKEND_DIR)\$"
	;;
default) # unset: the highest priority among the listed backends whose probe is ok
	run 0
	best=$(awk '$2 == "ABI" && $4 == "priority" && $6 == "probe:" && $7 == "ok" {
		if (!n++ || $5 > max) { max = $5; name = $1 } } END { print name }' "$tmp/out")
	[ -n "$best" ] || fail "no usable backend listed"
	has_out "^chosen: $best (highest priority that probes)\$"
	;;
missing)
	run 1 MIO_BACKEND=nope
	has_err "MIO_BACKEND='nope'"
	has_err "No such file or directory"
	no_chosen
	;;
invalid)
	run 1 MIO_BACKEND=../x
	has_err "MIO_BACKEND='../x' is invalid"
	no_chosen
	;;
debug) # MIO_DEBUG says why, before anything is loaded
	run 1 MIO_BACKEND=../x MIO_DEBUG=1
	has_err "^mio: MIO_BACKEND='../x' refused"
	;;
relative-dir)
	run 1 MIO_BACKEND_DIR=backends
	has_err "MIO_BACKEND_DIR='backends' is not an absolute path"
	no_chosen
	;;
test-modules) # every broken module is listed with why it is refused
	run 0 MIO_BACKEND_DIR="$module_dir" MIO_BACKEND=probefail,mock
	has_out '^chosen: mock (from MIO_BACKEND)$'
	has_out "^  mock  *ABI $abi  priority 257  probe: ok\$"
	has_out "^  minimal  *ABI $abi  priority 257  probe: ok\$"
	has_out "^  probefail  *ABI $abi  priority 257  probe: No such device\$"
	has_out '^  noentry  *refused: Function not implemented (.*no symbol mio_backend_entry)$'
	has_out "^  badabi  *refused: Exec format error (ABI $((abi_major + 1))\\.$abi_minor, "
	has_out "^  oldabi  *refused: Exec format error (ABI $((abi_major - 1))\\.$abi_minor, "
	has_out '^  small  *refused: Exec format error (descriptor too small '
	has_out '^  norearm  *refused: Exec format error (emulates edge triggering without a rearm'
	has_out "^  misnamed  *refused: Exec format error (module calls itself 'other'"
	has_out '^  garbage  *refused: Exec format error '
	;;
usage)
	${MESON_EXE_WRAPPER:-} "$mio_info" --help >"$tmp/out" 2>"$tmp/err" || fail "--help failed"
	unix_lines
	has_out '^usage: '
	has_out '^Exit status: '
	${MESON_EXE_WRAPPER:-} "$mio_info" --version >"$tmp/out" 2>"$tmp/err" || fail "--version failed"
	unix_lines
	has_out "^mio-info (libmio) $version\$"
	${MESON_EXE_WRAPPER:-} "$mio_info" --bogus >"$tmp/out" 2>"$tmp/err"
	[ $? -eq 2 ] || fail "an unknown option must exit with 2"
	;;
*)
	echo "unknown case $case_name" >&2
	exit 2
	;;
esac
exit 0
