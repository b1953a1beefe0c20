#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks that two builds, one per test runner (Criterion, TAP), define the same test entries
and that every test program holds the same tests under both. Prints one line per program.

Usage: compare-runners.py BUILD_A BUILD_B   (configured and built: it lists the programs)
"""
import json
import os
import re
import subprocess
import sys

# Entries only one runner has: the TAP runner's check of itself.
RUNNER_ONLY = {"runner"}


def entries(build):
    out = subprocess.run(["meson", "introspect", "--tests", build], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def runner(tests):
    """'tap' or 'criterion', from how meson reads the loader's test program."""
    loader = [t for t in tests if t["name"] == "loader"]
    if not loader:
        sys.exit("no 'loader' entry: is that a build of libmio with tests?")
    return "tap" if loader[0]["protocol"] == "tap" else "criterion"


def list_tests(program):
    """The program's tests as 'suite/name', from the TAP runner's or Criterion's --list."""
    # In the C locale Criterion draws its tree in ASCII: "|-- name", "`-- name".
    out = subprocess.run([program, "--list"], check=True, capture_output=True, text=True,
                         env=dict(os.environ, LC_ALL="C")).stdout
    names, suite = [], None
    for line in out.splitlines():
        header = re.fullmatch(r"(\S+): \d+ tests?", line)  # Criterion: "suite: N tests"
        leaf = re.fullmatch(r"[|`]-- (\S+)", line)          # Criterion: "|-- name"
        if header:
            suite = header.group(1)
        elif leaf and suite:
            names.append(f"{suite}/{leaf.group(1)}")
        elif re.fullmatch(r"[^\s/]+/[^\s/]+", line):        # TAP runner: "suite/name"
            names.append(line)
        else:
            sys.exit(f"{program} --list: cannot read line {line!r}")
    return sorted(names)


def programs(build, tests):
    """Test programs (tests/**/test-*) by path inside the build, with their entries."""
    found = {}
    root = os.path.realpath(build)
    for t in tests:
        path = os.path.realpath(t["cmd"][0])
        if path.startswith(root + os.sep) and os.path.basename(path).startswith("test-"):
            found.setdefault(os.path.relpath(path, root), []).append(t["name"])
    return found


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    a, b = sys.argv[1:]
    tests_a, tests_b = entries(a), entries(b)
    runner_a, runner_b = runner(tests_a), runner(tests_b)
    print(f"{a}: {runner_a} runner, {b}: {runner_b} runner")
    if runner_a == runner_b:
        sys.exit("both builds use the same runner: nothing to compare")
    ok = True
    names_a = {t["name"] for t in tests_a} - RUNNER_ONLY
    names_b = {t["name"] for t in tests_b} - RUNNER_ONLY
    if names_a != names_b:
        ok = False
        print(f"entries only in {a}: {sorted(names_a - names_b)}")
        print(f"entries only in {b}: {sorted(names_b - names_a)}")
    progs_a, progs_b = programs(a, tests_a), programs(b, tests_b)
    # Programs with a harness of their own (GLib's g_test in tests/glib) are the same program
    # under both runners: only those built on tests/util/mt.h speak TAP in the TAP build.
    tap_tests = tests_a if runner_a == "tap" else tests_b
    tap_build = a if runner_a == "tap" else b
    own_harness = set(programs(tap_build, [t for t in tap_tests if t["protocol"] != "tap"]))
    progs_a = {p: e for p, e in progs_a.items() if p not in own_harness}
    progs_b = {p: e for p, e in progs_b.items() if p not in own_harness}
    total_a = total_b = 0
    for prog in sorted(set(progs_a) | set(progs_b)):
        if prog not in progs_a or prog not in progs_b:
            ok = False
            print(f"{prog}: only in {a if prog in progs_a else b}")
            continue
        list_a = list_tests(os.path.join(a, prog))
        list_b = list_tests(os.path.join(b, prog))
        total_a += len(list_a)
        total_b += len(list_b)
        same = list_a == list_b and sorted(progs_a[prog]) == sorted(progs_b[prog])
        ok &= same
        print(f"{prog}: {len(list_a)} / {len(list_b)} tests, {len(progs_a[prog])} entries"
              f"{'' if same else '  DIFFERENT'}")
        for name in sorted(set(list_a) ^ set(list_b)):
            print(f"  only in {a if name in list_a else b}: {name}")
    print(f"{len(progs_a)} programs, {total_a} / {total_b} tests, "
          f"{len(names_a)} entries: {'same' if ok else 'DIFFERENT'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
