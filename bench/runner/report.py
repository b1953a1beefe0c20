# SPDX-License-Identifier: MIT
"""Writes the Markdown report: machine, method, tables, targets, profiles."""

import os
import platform
import re
import subprocess
from pathlib import Path

from .build import CC, CFLAGS, REPO, Build
from .measure import Instructions, Sample

BASELINE = "epoll-et"


def _first_line(cmd: list[str]) -> str:
    try:
        r = subprocess.run(cmd, capture_output=True, text=True)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except (OSError, IndexError):
        return "unknown"


def machine(b: Build) -> list[str]:
    cpu = "unknown"
    for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
        if line.startswith("Model name:"):
            cpu = line.split(":", 1)[1].strip()
    commit = _first_line(["git", "-C", str(REPO), "describe", "--always", "--dirty"])
    peers = ", ".join(f"{k} {v}" for k, v in b.versions.items()) or "none"
    return [
        f"- CPU: {cpu}, {os.cpu_count()} CPUs online; benchmark processes pinned to the last",
        f"- Kernel: {platform.system()} {platform.release()} ({platform.machine()})",
        f"- C library: {_first_line(['ldd', '--version'])}",
        f"- Compiler: {_first_line([CC, '--version'])}, flags `{' '.join(CFLAGS)}` for every "
        "program; libmio built by meson with `--buildtype=debugoptimized` (-O2 -g)",
        f"- Peers (Debian packages): {peers}",
        f"- Valgrind: {_first_line(['valgrind', '--version'])}",
        f"- libmio: {commit}, backends built: {', '.join(b.backends)}",
        "- Load average (1 min) at the end of the run: {:.1f} on {} CPUs; anything above "
        "about 1 means other work shared the machine".format(os.getloadavg()[0],
                                                             os.cpu_count()),
    ]


def _cell(n: int, a: int) -> str:
    return f"n={n} a={a}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    return out + ["| " + " | ".join(r) + " |" for r in rows]


def wall_tables(data: dict[tuple[int, int], dict[str, Sample]], names: list[str]) -> list[str]:
    cells = list(data)
    header = ["implementation"] + [_cell(*c) for c in cells]
    out = []
    for stat in ("median", "min"):
        rows = []
        for name in names:
            row = [name]
            for c in cells:
                s, base = data[c].get(name), data[c].get(BASELINE)
                if s is None:
                    row.append("-")
                    continue
                v = getattr(s, stat)
                ratio = f" ({v / getattr(base, stat):.2f}x)" if base else ""
                row.append(f"{v:.1f}{ratio}")
            rows.append(row)
        out += [f"**{stat.capitalize()} µs per iteration** (ratio to raw epoll ET's {stat}):",
                ""] + _table(header, rows) + [""]
    rows = [[name] + [f"{data[c][name].events:.0f} / {data[c][name].turns:.0f}"
                      if name in data[c] else "-" for c in cells] for name in names]
    out += ["**Events dispatched / loop turns per iteration:**", ""] + _table(header, rows)
    return out + [""]


def callgrind_tables(data: dict[tuple[int, int], dict[str, Instructions]],
                     names: list[str]) -> list[str]:
    cells = list(data)
    header = ["implementation"] + [_cell(*c) for c in cells]
    out = []
    for title, fmt in (
            ("Dispatch instructions per event** (all user-space Ir minus the workload "
             "functions', per dispatched event)", lambda i: f"{i.dispatch_per_event:.1f}"),
            ("libmio I/O helper instructions per event** (mio_stream_read inclusive, its "
             "re-arm and a backend's re-arm included, minus the recv() it wraps, per drained "
             "event; part of the workload, so not in the dispatch count)",
             lambda i: f"{i.io_helper_per_event:.1f}" if i.io_helper_per_iter else "-"),
            ("All user-space instructions per event** (workload included)",
             lambda i: f"{i.per_event:.1f}"),
            ("User-space instructions per iteration**", lambda i: f"{i.per_iter:,.0f}")):
        rows = [[name] + [fmt(data[c][name]) if name in data[c] else "-" for c in cells]
                for name in names]
        rows = [r for r in rows if any(v != "-" for v in r[1:])]  # the helper: libmio only
        out += [f"**{title}:", ""] + _table(header, rows) + [""]
    return out


def startup_table(data: dict[str, Sample]) -> list[str]:
    rows = [[k.replace("startup-", ""), f"{s.median:.1f}", f"{s.min:.1f}", str(len(s.us))]
            for k, s in data.items()]
    return _table(["call (cold/warm - backend)", "median µs", "min µs", "samples"], rows) + [""]


def scale_table(data: dict[tuple[int, int], dict[str, Sample]], names: list[str]) -> list[str]:
    pairs = [(m, r) for m, r in (("mio-epoll", "epoll-et"), ("mio-poll", "poll"),
                                         ("mio-poll", "poll-drain"))
             if m in names and r in names]
    header = ["n"] + names + [f"{m} / {r}" for m, r in pairs]
    rows = []
    for (n, _), cell in data.items():
        row = [str(n)] + [f"{cell[x].median:.1f}" if x in cell else "-" for x in names]
        row += [f"{cell[m].median / cell[r].median:.2f}" if m in cell and r in cell else "-"
                for m, r in pairs]
        rows.append(row)
    return ["Median µs per iteration, a=1, w=100:", ""] + _table(header, rows) + [""]


def _short(fn: str) -> str:
    """'path/file.c:func [/path/obj.so]' -> 'func (obj.so)'."""
    m = re.match(r"(.*):(.+?) \[(.*)\]$", fn)
    if m:
        return f"{m.group(2)} ({Path(m.group(3)).name})"
    m = re.match(r"(.*):(.+)$", fn)  # no object: code inlined from a header
    return f"{m.group(2)} (inlined from {Path(m.group(1)).name})" if m else fn


def profile(ins: Instructions, top: int = 12) -> list[str]:
    """Exclusive dispatch Ir per dispatched event, by function (two-count difference)."""
    rows = []
    for fn, c in sorted(ins.by_function.items(), key=lambda kv: -kv[1])[:top]:
        rows.append([_short(fn), f"{c / ins.events:.2f}"])
    return _table(["function (exclusive)", "Ir per event"], rows) + [""]


def check(label: str, value, limit: float, unit: str) -> tuple[bool, str]:
    """value: a number, or a (median, min) pair of wall-clock ratios."""
    if value is None:
        return False, f"- {label}: not measured"
    if isinstance(value, tuple):
        med, low = value
        ok = med <= limit and low <= limit
        verdict = ("MET" if ok else "MET on the median only" if med <= limit
                   else "MET on the minimum only" if low <= limit else "MISSED")
        shown = f"median {med:.3f}{unit}, minimum {low:.3f}{unit}"
    else:
        ok = value <= limit
        verdict, shown = ("MET" if ok else "MISSED"), f"{value:.3g}{unit}"
    return ok, f"- {verdict}: {label}: {shown} (target <= {limit}{unit})"


def targets(wall: dict, ins: dict, backends: list[str]) -> tuple[list[str], list[str]]:
    """The issue's targets; returns (lines, names of the mio implementations that miss)."""
    lines, missed = [], []

    def ratio(cell, name, base):
        """(median ratio, min ratio); the minimum is the least disturbed by other load."""
        c = wall.get(cell, {})
        if name not in c or base not in c:
            return None
        return c[name].median / c[base].median, c[name].min / c[base].min

    checks = []
    if "epoll" in backends:
        for cell in ((1000, 100), (9900, 1)):
            checks.append(("mio-epoll", f"mio-epoll wall time / raw epoll ET at {_cell(*cell)}",
                           ratio(cell, "mio-epoll", BASELINE), 1.02, "x"))
        # Per event: the a=100 cells, where a turn dispatches ~100 events; with a=1 every
        # turn dispatches one event and the per-turn cost dominates (raw epoll ~50 there).
        cells = [(n, c) for (n, a), c in ins.items() if a == 100 and "mio-epoll" in c]
        worst = max((c["mio-epoll"].dispatch_per_event for n, c in cells), default=None)
        checks.append(("mio-epoll", "mio-epoll dispatch instructions per event, a=100, "
                       "worst n", worst, 10, ""))
        checks.append((None, "  - by n, mio-epoll / raw epoll ET: " + "; ".join(
            f"n={n} {c['mio-epoll'].dispatch_per_event:.1f} / "
            f"{c[BASELINE].dispatch_per_event:.1f}" for n, c in cells if BASELINE in c),
            None, None, None))
    if "poll" in backends:
        # The target is against raw poll, which reads once per event; libmio reads
        # until EAGAIN (one more read per event), as poll-drain does.
        for base, label in (("poll", "raw poll(2), one read per event (the issue's target)"),
                            ("poll-drain", "raw poll(2) draining to EAGAIN like libmio")):
            cells = [(cell, r) for cell in wall if (r := ratio(cell, "mio-poll", base))]
            if not cells:
                continue
            cell, worst = max(cells, key=lambda cr: max(cr[1]))  # median or minimum
            checks.append(("mio-poll", f"mio-poll wall time / {label}, worst cell "
                           f"({_cell(*cell)})", worst, 1.10, "x"))
            checks.append((None, "  - by cell, median / minimum: " + "; ".join(
                f"{_cell(*c)} {r[0]:.2f} / {r[1]:.2f}" for c, r in cells), None, None, None))
    else:
        lines.append("- mio-poll: not measured, the poll backend is not built")
    for name, label, value, limit, unit in checks:
        if name is None:  # detail under the previous line
            lines.append(label)
            continue
        ok, line = check(label, value, limit, unit)
        lines.append(line)
        if not ok and name not in missed:
            missed.append(name)
    return lines, missed
