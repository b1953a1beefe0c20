# SPDX-License-Identifier: MIT
"""Writes the Markdown report: machine, method, tables, targets, profiles."""

import os
import platform
import statistics
import re
import subprocess
from pathlib import Path

from .build import CC, CFLAGS, REPO, Build
from .measure import Instructions, Sample

BASELINE = "epoll-et"


def floor(name: str) -> str | None:
    """The raw loop that makes the same syscalls as name: epoll ET or poll(2), reading until
    a short read (one read per event here) or draining to EAGAIN; epoll LT for the
    level-triggered peers (one read per event). None for a floor itself."""
    drain = "-drain" if name.endswith("-drain") else ""
    base = name[:-len(drain)] if drain else name
    if base in ("epoll-et", "poll"):
        return None
    if base in ("mio-epoll", "rust-mio", "epoll-lt"):
        return "epoll-et" + drain
    if base == "mio-poll":
        return "poll" + drain
    if base.startswith("mio-"):
        return None  # a backend without a raw floor here
    return "epoll-lt"


def _first_line(cmd: list[str]) -> str:
    try:
        r = subprocess.run(cmd, capture_output=True, text=True)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except (OSError, IndexError):
        return "unknown"


def _wrk_version() -> str:
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "wrk"], capture_output=True,
                       text=True)
    return r.stdout if r.returncode == 0 and r.stdout else "unknown"


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
        f"- Peers (Debian packages) and Rust: {peers}; wrk {_wrk_version()}",
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


def wall_tables(data: dict[tuple[int, int], dict[str, Sample]], names: list[str],
                sys_data: dict | None = None) -> list[str]:
    cells = list(data)
    header = ["implementation (floor)"] + [_cell(*c) for c in cells]
    out = []
    for stat in ("median", "min"):
        rows = []
        for name in names:
            base_name = floor(name)
            row = [f"{name} ({base_name})" if base_name else f"**{name}**"]
            for c in cells:
                s, base = data[c].get(name), data[c].get(base_name or "")
                if s is None:
                    row.append("-")
                    continue
                v = getattr(s, stat)
                ratio = f" ({v / getattr(base, stat):.3f}x)" if base else ""
                row.append(f"{v:.1f}{ratio}")
            rows.append(row)
        out += [f"**{stat.capitalize()} µs per iteration** (in brackets: the ratio to the "
                f"{stat} of the floor named with the implementation, the raw loop that makes "
                "the same syscalls; floors in bold):", ""] + _table(header, rows) + [""]
    rows = [[name] + [f"{data[c][name].events:.0f} / {data[c][name].turns:.0f}"
                      if name in data[c] else "-" for c in cells] for name in names]
    out += ["**Events dispatched / loop turns per iteration:**", ""] + _table(header, rows)
    out += [""]
    if sys_data:
        out += syscall_tables(sys_data, names)
    return out


def syscall_tables(data: dict[tuple[int, int], dict[str, dict[str, float]]],
                   names: list[str]) -> list[str]:
    """Syscalls per event (strace -c), in every cell, and by syscall in one."""
    cells = list(data)
    header = ["implementation"] + [_cell(*c) for c in cells]
    rows = [[name] + [f"{sum(data[c][name].values()):.2f}" if name in data[c] else "-"
                      for c in cells] for name in names]
    out = ["**Syscalls per event** (strace -c -f, the difference of two run lengths; all of "
           "the process's syscalls in the timed loop):", ""] + _table(header, rows) + [""]
    cell = (1000, 100) if (1000, 100) in data else cells[-1]
    calls = sorted({k for v in data[cell].values() for k in v})
    rows = [[name] + [f"{data[cell][name].get(k, 0):.2f}" for k in calls]
            for name in names if name in data[cell]]
    out += [f"**Syscalls per event by name, {_cell(*cell)}:**", ""]
    return out + _table(["implementation"] + calls, rows) + [""]


def callgrind_tables(data: dict[tuple[int, int], dict[str, Instructions]],
                     names: list[str]) -> list[str]:
    cells = list(data)
    header = ["implementation"] + [_cell(*c) for c in cells]
    out = []
    for title, fmt in (
            ("Dispatch instructions per event** (all user-space Ir minus the workload "
             "functions', per dispatched event)", lambda i: f"{i.dispatch_per_event:.1f}"),
            ("libmio I/O helper instructions per read** (mio_stream_read inclusive, a "
             "backend's re-arm included, minus the recv() it wraps; per read: one per event "
             "for the short-read loops, two for the draining ones; part of the workload, so "
             "not in the dispatch count)",
             lambda i: f"{i.io_helper_per_read:.1f}" if i.io_helper_per_iter else "-"),
            ("libmio re-arm instructions per event** (the re-arm below the helper, "
             "inclusive: emulating backends only; one re-arm per event for the short-read "
             "loop, two for the draining one)",
             lambda i: f"{i.rearm_per_event:.1f}" if i.rearm_per_iter else "-"),
            ("All user-space instructions per event** (workload included)",
             lambda i: f"{i.per_event:.1f}"),
            ("User-space instructions per iteration**", lambda i: f"{i.per_iter:,.0f}")):
        rows = [[name] + [fmt(data[c][name]) if name in data[c] else "-" for c in cells]
                for name in names]
        rows = [r for r in rows if any(v != "-" for v in r[1:])]  # the helper: libmio only
        out += [f"**{title}:", ""] + _table(header, rows) + [""]
    return out


def http_count_tables(data: dict, servers: list[str], conns: int, seconds: int) -> list[str]:
    """Instructions and syscalls per request, and the profile of each server."""
    base = data.get(HTTP_BASELINE)
    calls = sorted({k for c in data.values() for k in c.syscalls})
    header = ["server", "user-space Ir per request", "syscalls per request"] + calls
    rows = []
    for name in (n for n in servers if n in data):
        c = data[name]
        ratio = (f" ({c.ir_per_request / base.ir_per_request:.3f}x)"
                 if base and base.ir_per_request else "")
        rows.append([name, f"{c.ir_per_request:.0f}{ratio}", f"{sum(c.syscalls.values()):.2f}"] +
                    [f"{c.syscalls.get(k, 0):.2f}" for k in calls])
    out = [f"**Counts per request** (wrk -c{conns}, {seconds} s, each server once under "
           "callgrind, counters zeroed once it listens, and once under strace -c -f; the "
           "ratio is to raw epoll's). These do not depend on the machine's load; the request "
           "logic, the same for all, is about 350 of the instructions:", ""]
    out += _table(header, rows) + [""]
    for name in (n for n in servers if n in data and data[n].by_function):
        out += [f"**Profile: HTTP server {name}**, top functions by exclusive instructions "
                "per request:", ""]
        # A dump after a zeroing credits the frames active at the zeroing (main and below)
        # with everything as their own: leave those out.
        own = {f: v for f, v in data[name].by_function.items()
               if v < 0.99 * data[name].ir_per_request}
        top = sorted(own.items(), key=lambda kv: -kv[1])[:10]
        out += _table(["function (exclusive)", "Ir per request"],
                      [[_short(f), f"{v:.1f}"] for f, v in top]) + [""]
    return out


def startup_table(data: dict[str, Sample]) -> list[str]:
    rows = [[k.replace("startup-", ""), f"{s.median:.1f}", f"{s.min:.1f}", str(len(s.us))]
            for k, s in data.items()]
    return _table(["call (cold/warm - backend)", "median µs", "min µs", "samples"], rows) + [""]


def scale_table(data: dict[tuple[int, int], dict[str, Sample]], names: list[str]) -> list[str]:
    pairs = [(m, floor(m)) for m in names if floor(m) in names]
    header = ["n"] + names + [f"{m} / {r}" for m, r in pairs]
    rows = []
    for (n, _), cell in data.items():
        row = [str(n)] + [f"{cell[x].median:.1f}" if x in cell else "-" for x in names]
        row += [f"{cell[m].median / cell[r].median:.3f}" if m in cell and r in cell else "-"
                for m, r in pairs]
        rows.append(row)
    return ["Median µs per iteration, a=1, w=100:", ""] + _table(header, rows) + [""]


HTTP_BASELINE = "epoll"


def http_tables(data: dict, servers: list[str], seconds: int, rounds: int) -> list[str]:
    """Requests per second and latency percentiles (medians over rounds), as ratios to raw
    epoll's."""
    conns = list(data)
    out = [f"wrk -t1 -c<connections> -d{seconds}s --latency against each server, {rounds} "
           "interleaved rounds (a fresh server process each run, pinned to one CPU, wrk to "
           "the other); medians over the rounds. Ratios are to raw epoll's median: above 1 "
           "is more requests per second, or a longer latency.", ""]
    header = ["server"] + [f"{c} conn" for c in conns]

    def rows(value, fmt):
        res = []
        for name in servers:
            row = [name]
            for c in conns:
                smp, base = data[c].get(name), data[c].get(HTTP_BASELINE)
                if smp is None:
                    row.append("-")
                    continue
                v = value(smp)
                ratio = f" ({v / value(base):.3f}x)" if base else ""
                row.append(fmt(v) + ratio)
            res.append(row)
        return res

    out += ["**Requests per second:**", ""] + _table(header, rows(
        lambda smp: statistics.median(smp.rps), lambda v: f"{v:,.0f}")) + [""]
    out += ["**Server CPU time per request, µs** (user + system, from /proc; wrk has the "
            "other CPU, so where wrk is the limit the servers tie on requests per second and "
            "differ here):", ""] + _table(header, rows(
                lambda smp: statistics.median(smp.cpu_us), lambda v: f"{v:.2f}")) + [""]
    for pct in ("50%", "99%"):
        out += [f"**Latency, {pct} percentile, µs:**", ""] + _table(header, rows(
            lambda smp, p=pct: smp.median_latency(p), lambda v: f"{v:.0f}")) + [""]
    return out


def _short(fn: str) -> str:
    """'path/file.c:func [/path/obj.so]' -> 'func (obj.so)'."""
    m = re.match(r"(.*):(.+?) \[(.*)\]$", fn)
    if m:
        return f"{m.group(2)} ({Path(m.group(3)).name})"
    m = re.match(r"(.*):(.+)$", fn)  # no object: code inlined from a header
    return f"{m.group(2)} (inlined from {Path(m.group(1)).name})" if m else fn


def profile(ins: Instructions, top: int = 12, workload: bool = False) -> list[str]:
    """Exclusive Ir per dispatched event, by function (two-count difference): of the
    dispatch runs, or with workload of the runs that count everything (the reads, libmio's
    helper and its re-arm included)."""
    rows = []
    costs = ins.all_by_function if workload else ins.by_function
    for fn, c in sorted(costs.items(), key=lambda kv: -kv[1])[:top]:
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


def targets(wall: dict, ins: dict, http: dict, backends: list[str]) -> tuple[list[str], list[str]]:
    """The issue's targets; returns (lines, names of the implementations that miss)."""
    lines, missed = [], []

    def ratio(cell, name, base):
        """(median ratio, min ratio); the minimum is the least disturbed by other load."""
        c = wall.get(cell, {})
        if name not in c or base not in c:
            return None
        return c[name].median / c[base].median, c[name].min / c[base].min

    def worst_cell(name, base, label, limit):
        cells = [(cell, r) for cell in wall if (r := ratio(cell, name, base))]
        if not cells:
            return
        cell, worst = max(cells, key=lambda cr: max(cr[1]))  # median or minimum
        checks.append((name, f"{name} wall time / {label}, worst cell ({_cell(*cell)})",
                       worst, limit, "x"))
        checks.append((None, "  - by cell, median / minimum: " + "; ".join(
            f"{_cell(*c)} {r[0]:.3f} / {r[1]:.3f}" for c, r in cells), None, None, None))

    checks = []
    if "epoll" in backends:
        worst_cell("mio-epoll", BASELINE, "raw epoll ET reading once (short-read loops)", 1.02)
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
        helper = max((c["mio-epoll"].io_helper_per_read for c in ins.values()
                      if "mio-epoll" in c), default=None)
        checks.append(("mio-epoll", "libmio read helper on epoll, instructions over the "
                       "recv() it wraps, short-read loop, worst cell", helper, 12, ""))
        if "rust-mio" in wall.get(next(iter(wall)), {}):
            for mine, theirs in (("mio-epoll", "rust-mio"),
                                 ("mio-epoll-drain", "rust-mio-drain")):
                worst_cell(mine, theirs, f"Rust mio 0.8 ({theirs}), same reads", 1.0)
        else:
            lines.append("- Rust mio: not measured (see the notes)")
    if "poll" in backends:
        worst_cell("mio-poll", "poll", "raw poll(2) reading once (short-read loops)", 1.05)
        def poll_side(i: Instructions) -> float:
            """The part of a re-arm the next poll does (functions named *rearm* that the
            dispatch count sees: the helper's part is in the workload)."""
            return sum(v for f, v in i.by_function.items() if "rearm" in f) / i.events

        cells = [c["mio-poll"] for c in ins.values() if "mio-poll" in c]
        rearm = max((i.rearm_per_event + poll_side(i) for i in cells), default=None)
        checks.append(("mio-poll", "poll backend re-arm, instructions per re-arm (short-read "
                       "loop: one per event), worst cell", rearm, 40, ""))
        if cells:
            worst = max(cells, key=lambda i: i.rearm_per_event + poll_side(i))
            checks.append((None, f"  - {worst.rearm_per_event:.1f} below the read helper, "
                           f"{poll_side(worst):.1f} when the next poll applies it",
                           None, None, None))
    else:
        lines.append("- mio-poll: not measured, the poll backend is not built")
    if http and "mio-epoll" in next(iter(http.values()), {}):
        for c, smp in http.items():
            if HTTP_BASELINE in smp and "mio-epoll" in smp:
                mine = statistics.median(smp["mio-epoll"].rps)
                base = statistics.median(smp[HTTP_BASELINE].rps)
                checks.append(("http-mio-epoll", f"HTTP, {c} connections: raw epoll's "
                               "requests/s / libmio+epoll's", base / mine, 1.02, "x"))
                peers = {k: statistics.median(v.rps) for k, v in smp.items()
                         if k in ("libuv", "libev", "libevent")}
                if peers:
                    best = max(peers, key=peers.get)
                    checks.append(("http-mio-epoll", f"HTTP, {c} connections: the best peer's "
                                   f"requests/s ({best}) / libmio+epoll's",
                                   peers[best] / mine, 1.0, "x"))
    for name, label, value, limit, unit in checks:
        if name is None:  # detail under the previous line
            lines.append(label)
            continue
        ok, line = check(label, value, limit, unit)
        lines.append(line)
        if not ok and name not in missed:
            missed.append(name)
    return lines, missed
