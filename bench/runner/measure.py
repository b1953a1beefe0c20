# SPDX-License-Identifier: MIT
"""Runs the benchmark programs: interleaved wall-clock rounds, callgrind pairs, startup."""

import os
import re
import statistics
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .build import Build, Impl, log

WRITES = 100
# The driver's per-event and per-iteration workload (recv, send, timing, output): callgrind
# stops counting inside these to leave the dispatch cost.
WORKLOAD_FUNCTIONS = ("bench_read_once", "bench_drain", "bench_prime", "bench_now",
                      "bench_print")


@dataclass
class Sample:
    """Every measured iteration of one implementation in one cell, over all rounds."""
    us: list[float] = field(default_factory=list)
    events: float = 0.0
    turns: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.us)

    @property
    def min(self) -> float:
        return min(self.us)


@dataclass
class Instructions:
    """User-space instructions (callgrind Ir) per iteration, from two repetition counts."""
    per_iter: float
    dispatch_per_iter: float
    events: float
    by_function: dict[str, float]   # exclusive Ir per iteration, by function
    io_helper_per_iter: float = 0.0  # libmio's share of the reads (workload above)

    @property
    def per_event(self) -> float:
        return self.per_iter / self.events

    @property
    def dispatch_per_event(self) -> float:
        return self.dispatch_per_iter / self.events

    @property
    def io_helper_per_event(self) -> float:
        return self.io_helper_per_iter / self.events


def _env(b: Build) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIO_")}
    env["MIO_BACKEND_DIR"] = str(b.backend_dir)
    return env


def _pin_last_cpu() -> None:
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[-1]})


def _parse(line: str) -> dict[str, str]:
    return dict(f.split("=", 1) for f in line.split())


def run_program(b: Build, cmd: list[str], pin: bool = True) -> dict[str, str]:
    r = subprocess.run(cmd, capture_output=True, text=True, env=_env(b),
                       preexec_fn=_pin_last_cpu if pin else None)
    lines = [l for l in r.stdout.splitlines() if l.startswith("impl=")]
    if r.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")
    return _parse(lines[-1])


def dispatch_cmd(impl: Impl, n: int, a: int, iters: int, warmup: int,
                 budget: float) -> list[str]:
    return [str(impl.program)] + impl.args + [
        "-n", str(n), "-a", str(a), "-w", str(WRITES), "-i", str(iters),
        "-W", str(warmup), "-t", str(budget)]


def wall(b: Build, impls: list[Impl], cells: list[tuple[int, int]], rounds: int,
         iters: int, budget: float) -> dict[tuple[int, int], dict[str, Sample]]:
    """For each cell, rounds x every implementation, the order rotated every round so
    that machine noise hits all alike. Failed implementations are left out and noted."""
    out: dict[tuple[int, int], dict[str, Sample]] = {}
    for n, a in cells:
        log(f"wall clock n={n} a={a}: {rounds} rounds x {len(impls)} implementations")
        samples = {i.name: Sample() for i in impls}
        for r in range(rounds):
            k = r % len(impls)
            for impl in impls[k:] + impls[:k]:
                if samples[impl.name] is None:
                    continue
                try:
                    res = run_program(b, dispatch_cmd(impl, n, a, iters, 5, budget))
                except RuntimeError as e:
                    b.notes.append(f"{impl.name} at n={n} a={a} failed: {e}")
                    samples[impl.name] = None
                    continue
                s = samples[impl.name]
                s.us += [float(x) for x in res["us"].split(",")]
                s.events, s.turns = float(res["events"]), float(res["turns"])
        out[(n, a)] = {k: v for k, v in samples.items() if v is not None}
    return out


_ANNOTATE_LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(\S.*)$")


def _annotate(path: Path, inclusive: bool = False) -> dict[str, int]:
    """callgrind_annotate's Ir by function, exclusive or inclusive:
    {'file:function [object]': Ir}. Run from /: from a directory above the sources, it
    splits a function's rows between relative and absolute file names."""
    r = subprocess.run(["callgrind_annotate", "--threshold=100", "--auto=no",
                        f"--inclusive={'yes' if inclusive else 'no'}", str(path.resolve())],
                       capture_output=True, text=True, cwd="/")
    costs: dict[str, int] = {}
    for line in r.stdout.splitlines():
        m = _ANNOTATE_LINE.match(line)
        if m and "PROGRAM TOTALS" not in m.group(2):
            costs[m.group(2)] = costs.get(m.group(2), 0) + int(m.group(1).replace(",", ""))
    return costs


def _io_helper(path: Path) -> int:
    """libmio's own share of the reads: mio_stream_read's inclusive Ir (mio__io's EAGAIN
    path, the re-arm check, a backend's re-arm and the locks it takes) minus the recv() it
    wraps (in the libmio program, only mio_stream_read calls recv or read). Only the exported function's row: rows of its inlined and .cold parts are
    already inside it."""
    incl = _annotate(path, inclusive=True)

    def total(pattern: str) -> int:
        return sum(c for f, c in incl.items() if re.search(pattern, f))

    helper = total(r":mio_stream_read \[.*libmio\.so")
    return helper - total(r":(__libc_)?(read|recv) \[.*libc\.so") if helper else 0


def _totals(path: Path) -> int:
    for line in path.read_text().splitlines():
        if line.startswith("totals:") or line.startswith("summary:"):
            return int(line.split()[1])
    raise RuntimeError(f"{path}: no totals")


def _callgrind_run(b: Build, impl: Impl, n: int, a: int, iters: int, outdir: Path,
                   dispatch_only: bool) -> tuple[Path, float]:
    """One callgrind run. dispatch_only stops counting inside the workload functions
    (--toggle-collect turns collection off on entry and back on at return)."""
    kind = "dispatch" if dispatch_only else "all"
    out = outdir / f"{impl.name}.n{n}.a{a}.i{iters}.{kind}.out"
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
    if dispatch_only:
        # After the toggles: each --toggle-collect resets --collect-atstart to no.
        # "f*" also matches gcc's clones (f.constprop.0, f.isra.0).
        cmd += [f"--toggle-collect={f}*" for f in WORKLOAD_FUNCTIONS] + ["--collect-atstart=yes"]
    res = run_program(b, cmd + dispatch_cmd(impl, n, a, iters, 2, 0), pin=False)
    return out, float(res["events"])


def callgrind(b: Build, impls: list[Impl], cells: list[tuple[int, int]], i1: int, i2: int,
              outdir: Path) -> dict[tuple[int, int], dict[str, Instructions]]:
    """Ir per iteration = (Ir at i2 iterations - Ir at i1) / (i2 - i1): setup, warmup and
    exit cancel. Each count is taken with and without the workload functions. Runs in
    parallel: instruction counts do not care about machine noise."""
    outdir.mkdir(parents=True, exist_ok=True)
    d = i2 - i1

    def one(job):
        (n, a), impl = job
        try:
            runs = {(i, k): _callgrind_run(b, impl, n, a, i, outdir, k)
                    for i in (i1, i2) for k in (False, True)}
        except RuntimeError as e:
            b.notes.append(f"callgrind {impl.name} at n={n} a={a} failed: {e}")
            return None
        t = {k: _totals(p) for k, (p, _) in runs.items()}
        f1, f2 = _annotate(runs[(i1, True)][0]), _annotate(runs[(i2, True)][0])
        by_fn = {f: (f2.get(f, 0) - f1.get(f, 0)) / d for f in set(f1) | set(f2)}
        io = _io_helper(runs[(i2, False)][0]) - _io_helper(runs[(i1, False)][0])
        return Instructions((t[(i2, False)] - t[(i1, False)]) / d,
                            (t[(i2, True)] - t[(i1, True)]) / d, runs[(i2, True)][1],
                            {f: c for f, c in by_fn.items() if c > 0}, io / d)

    jobs = [(cell, impl) for cell in cells for impl in impls]
    log(f"callgrind: {len(jobs)} implementation x cell pairs, {i1} and {i2} iterations")
    with ThreadPoolExecutor(max_workers=len(os.sched_getaffinity(0))) as ex:
        results = list(ex.map(one, jobs))
    out: dict[tuple[int, int], dict[str, Instructions]] = {cell: {} for cell in cells}
    for (cell, impl), res in zip(jobs, results):
        if res is not None:
            out[cell][impl.name] = res
    return out


def startup(b: Build, cold_runs: int, warm_iters: int) -> dict[str, Sample]:
    """mio_poll_new (None) and mio_poll_new_with_backend for each backend, cold: one call
    in each of cold_runs fresh processes (interleaved); warm: warm_iters calls in one."""
    log(f"startup: {cold_runs} cold processes and {warm_iters} warm calls per variant")
    variants: list[str | None] = [None] + b.backends
    out: dict[str, Sample] = {}
    for r in range(cold_runs):
        for v in variants:
            res = run_program(b, [str(b.startup), "cold"] + ([v] if v else []))
            out.setdefault(res["impl"], Sample()).us += [float(res["us"])]
    for v in variants:
        res = run_program(b, [str(b.startup), "warm"] + ([v] if v else []) +
                          ["-i", str(warm_iters)])
        out[res["impl"]] = Sample([float(x) for x in res["us"].split(",")])
    return out
