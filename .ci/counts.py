#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Per build and per backend: how many test entries ran and how many tests they held (TAP
subtests, or Criterion's "Tested: N"), from meson's testlog.json files. Informative: the
pass/fail verdict is .ci/tally.py's.

Usage: counts.py LABEL=TESTLOG.json ...   (a missing file is listed as not run)
"""
import json
import re
import sys
from collections import defaultdict

TAP_RESULT = re.compile(r"^(ok|not ok) \d+", re.M)
CRITERION = re.compile(r"Synthesis: Tested: (\d+)")


def subtests(entry):
    """Tests inside one entry: TAP result lines, Criterion's synthesis, else 1."""
    tap = TAP_RESULT.findall(entry.get("stdout") or "")
    if tap:
        return len(tap)
    m = CRITERION.search(entry.get("stderr") or "")
    return int(m.group(1)) if m else 1


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print(f"{'build':<10} {'backend':<8} {'entries':>7} {'tests':>6}  results")
    for arg in sys.argv[1:]:
        label, _, path = arg.partition("=")
        try:
            lines = open(path, encoding="utf-8").read().splitlines()
        except OSError:
            print(f"{label:<10} (not run: {path} is missing)")
            continue
        per = defaultdict(lambda: [0, 0, defaultdict(int)])
        for line in lines:
            entry = json.loads(line)
            name = entry["name"].rsplit(" / ", 1)[-1]
            backend = name.split("@", 1)[1] if "@" in name else "-"
            row = per[backend]
            row[0] += 1
            row[1] += subtests(entry)
            row[2][entry["result"]] += 1
        for backend in sorted(per):
            entries, tests, results = per[backend]
            summary = " ".join(f"{k} {v}" for k, v in sorted(results.items()))
            print(f"{label:<10} {backend:<8} {entries:>7} {tests:>6}  {summary}")


if __name__ == "__main__":
    main()
