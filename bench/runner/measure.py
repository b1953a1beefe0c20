# SPDX-License-Identifier: MIT
"""Runs the benchmark programs: interleaved wall-clock rounds, callgrind pairs, startup."""

import os
import re
import signal
import statistics
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .build import Build, Impl, log, run

WRITES = 100
# The driver's per-event and per-iteration workload (recv, send, timing, output): callgrind
# stops counting inside these to leave the dispatch cost.
WORKLOAD_FUNCTIONS = ("bench_read", "bench_prime", "bench_now", "bench_print")
# libmio's re-arm entry below its I/O helpers (emulating backends only): before and after
# the backend ABI 2 registration map.
REARM_FUNCTIONS = r"(mio__rearm_slow|mio__regmap_rearm)"


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
    rearm_per_iter: float = 0.0      # of which the re-arm below the helper
    reads: float = 1.0               # reads per event
    all_by_function: dict[str, float] = field(default_factory=dict)  # workload included

    @property
    def per_event(self) -> float:
        return self.per_iter / self.events

    @property
    def dispatch_per_event(self) -> float:
        return self.dispatch_per_iter / self.events

    @property
    def io_helper_per_event(self) -> float:
        return self.io_helper_per_iter / self.events

    @property
    def io_helper_per_read(self) -> float:
        return self.io_helper_per_event / self.reads

    @property
    def rearm_per_event(self) -> float:
        return self.rearm_per_iter / self.events


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


def _interleaved(items: list, rounds: int):
    """rounds x every item, the order rotated each round, so that machine noise hits all
    alike."""
    for r in range(rounds):
        k = r % len(items)
        yield from items[k:] + items[:k]


def _per_cell(cells: list[tuple[int, int]], impls: list[Impl], one, what: str) -> dict:
    """one((cell, impl)) for every pair, two at a time (counts do not care about machine
    noise): {cell: {impl name: result}}, pairs whose result is None left out."""
    jobs = [(cell, impl) for cell in cells for impl in impls]
    log(f"{what}: {len(jobs)} implementation x cell pairs")
    with ThreadPoolExecutor(max_workers=len(os.sched_getaffinity(0))) as ex:
        results = list(ex.map(one, jobs))
    out: dict = {cell: {} for cell in cells}
    for (cell, impl), res in zip(jobs, results):
        if res is not None:
            out[cell][impl.name] = res
    return out


def wall(b: Build, impls: list[Impl], cells: list[tuple[int, int]], rounds: int,
         iters: int, budget: float) -> dict[tuple[int, int], dict[str, Sample]]:
    """For each cell, rounds x every implementation, the order rotated every round so
    that machine noise hits all alike. Failed implementations are left out and noted."""
    out: dict[tuple[int, int], dict[str, Sample]] = {}
    for n, a in cells:
        log(f"wall clock n={n} a={a}: {rounds} rounds x {len(impls)} implementations")
        samples = {i.name: Sample() for i in impls}
        for impl in _interleaved(impls, rounds):
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


def _io_helper(path: Path) -> tuple[int, int]:
    """libmio's own share of the reads: mio_stream_read's inclusive Ir (the emulation check,
    the errno path, the short-read test, a backend's re-arm and the locks it takes) minus
    the recv() it wraps (in the libmio program, only mio_stream_read calls recv or read);
    and the re-arm's inclusive Ir alone. Only the exported function's row: rows of its
    inlined, out-of-line and .cold parts are already inside it."""
    incl = _annotate(path, inclusive=True)

    def total(pattern: str) -> int:
        return sum(c for f, c in incl.items() if re.search(pattern, f))

    helper = total(r":mio_stream_read \[.*libmio\.so")
    if not helper:
        return 0, 0
    return (helper - total(r":(__libc_)?(read|recv) \[.*libc\.so"),
            total(r":" + REARM_FUNCTIONS + r" \[.*libmio\.so"))


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
    return out, float(res["events"]), float(res["reads"])


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
        t = {k: _totals(p) for k, (p, _, _) in runs.items()}
        def by_function(dispatch_only: bool) -> dict[str, float]:
            f1, f2 = (_annotate(runs[(i, dispatch_only)][0]) for i in (i1, i2))
            diff = {f: (f2.get(f, 0) - f1.get(f, 0)) / d for f in set(f1) | set(f2)}
            return {f: c for f, c in diff.items() if c > 0}
        (io2, rearm2), (io1, rearm1) = (_io_helper(runs[(i, False)][0]) for i in (i2, i1))
        return Instructions((t[(i2, False)] - t[(i1, False)]) / d,
                            (t[(i2, True)] - t[(i1, True)]) / d, runs[(i2, True)][1],
                            by_function(True), (io2 - io1) / d, (rearm2 - rearm1) / d,
                            runs[(i2, True)][2], by_function(False))

    return _per_cell(cells, impls, one, f"callgrind, {i1} and {i2} iterations")


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


_STRACE_LINE = re.compile(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:(\d+)\s+)?(\w+)\s*$")


def _strace_counts(path: Path) -> dict[str, int]:
    """strace -c's table: {syscall: calls}."""
    out = {}
    for line in path.read_text().splitlines():
        m = _STRACE_LINE.match(line)
        if m and m.group(3) != "total":
            out[m.group(3)] = int(m.group(1))
    return out


def syscalls(b: Build, impls: list[Impl], cells: list[tuple[int, int]], i1: int, i2: int,
             outdir: Path) -> dict[tuple[int, int], dict[str, dict[str, float]]]:
    """Syscalls per dispatched event, by name, counted by strace -c -f: the difference of a
    run with i2 and one with i1 iterations, so setup and exit cancel. vDSO calls
    (clock_gettime) are no syscalls and do not show."""
    outdir.mkdir(parents=True, exist_ok=True)

    def one(job):
        (n, a), impl = job
        counts, events = {}, 0.0
        for i in (i1, i2):
            out = outdir / f"{impl.name}.n{n}.a{a}.i{i}.strace"
            try:
                res = run_program(b, ["strace", "-f", "-c", "-o", str(out)] +
                                  dispatch_cmd(impl, n, a, i, 2, 0), pin=False)
            except RuntimeError as e:
                b.notes.append(f"strace {impl.name} at n={n} a={a} failed: {e}")
                return None
            counts[i], events = _strace_counts(out), float(res["events"])
        names = set(counts[i1]) | set(counts[i2])
        per = {s: (counts[i2].get(s, 0) - counts[i1].get(s, 0)) / ((i2 - i1) * events)
               for s in names}
        return {s: v for s, v in per.items() if v > 0.001}

    return _per_cell(cells, impls, one, f"strace, {i1} and {i2} iterations")


@dataclass
class HttpSample:
    """One HTTP server at one connection count, over all rounds: wrk's figures per round."""
    rps: list[float] = field(default_factory=list)
    latency_us: dict[str, list[float]] = field(default_factory=dict)  # "50%" -> per round
    cpu_us: list[float] = field(default_factory=list)  # server CPU time per request

    def median_latency(self, pct: str) -> float:
        return statistics.median(self.latency_us[pct])


_WRK_LATENCY = re.compile(r"^\s*(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$")


def _parse_wrk(text: str) -> tuple[float, dict[str, float]]:
    rps = next(float(l.split()[1]) for l in text.splitlines() if l.startswith("Requests/sec:"))
    scale = {"us": 1.0, "ms": 1e3, "s": 1e6}
    lat = {}
    for line in text.splitlines():
        m = _WRK_LATENCY.match(line)
        if m:
            lat[m.group(1) + "%"] = float(m.group(2)) * scale[m.group(3)]
    return rps, lat


def _start_server(b: Build, server, wrap: list[str] | None = None
                  ) -> tuple[subprocess.Popen, int]:
    """Starts server (under wrap, a tool's command line) on a free port, pinned to the last
    CPU; returns it and its port once it listens."""
    env = dict(_env(b), **server.env)
    p = subprocess.Popen((wrap or []) + [str(server.program), "0"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, env=env,
                         preexec_fn=_pin_last_cpu)
    line = p.stdout.readline()
    m = re.match(r"listening on 127\.0\.0\.1:(\d+)", line)
    if not m:
        p.kill()
        raise RuntimeError(f"{server.name}: no listening line ({line.strip()!r})")
    return p, int(m.group(1))


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (/proc/PID/stat, clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pin_other_cpus() -> None:
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, set(cpus[:-1]) or set(cpus))


@dataclass
class HttpCounts:
    """One HTTP server under wrk: user-space instructions and syscalls per request."""
    ir_per_request: float = 0.0
    by_function: dict[str, float] = field(default_factory=dict)  # exclusive Ir per request
    syscalls: dict[str, float] = field(default_factory=dict)  # per request, by name


def _wrk_requests(text: str) -> int:
    m = re.search(r"^\s*(\d+) requests in", text, re.M)
    if not m:
        raise RuntimeError(f"wrk gave no request count: {text.strip()}")
    return int(m.group(1))


def _wrk(port: int, conns: int, seconds: int) -> str:
    return subprocess.run(["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--latency",
                           f"http://127.0.0.1:{port}/"], capture_output=True, text=True,
                          preexec_fn=_pin_other_cpus).stdout


def _stop_traced(p: subprocess.Popen, tool: str) -> None:
    """Ends a server run under a tool: valgrind runs in the server's process; strace is its
    parent and writes its counts once the server (its child) has exited."""
    pids = [p.pid]
    if tool == "strace":
        children = Path(f"/proc/{p.pid}/task/{p.pid}/children")
        pids = [int(x) for x in children.read_text().split()] if children.exists() else []
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    try:
        p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def http_counts(b: Build, servers: list, conns: int, seconds: int,
                outdir: Path) -> dict[str, HttpCounts]:
    """Each server once under callgrind and once under strace -c -f while wrk loads it:
    counts per request, load-independent. Callgrind's counters are zeroed once the server
    listens and dumped when wrk is done (callgrind_control), so startup is left out; the
    strace counts include the server's startup (a few dozen calls)."""
    outdir.mkdir(parents=True, exist_ok=True)
    out: dict[str, HttpCounts] = {}
    log(f"http counts: {len(servers)} servers under callgrind and strace, {conns} connections")
    for server in servers:
        counts = HttpCounts()
        cg = outdir / f"http-{server.name}.callgrind"
        st = outdir / f"http-{server.name}.strace"
        for old in list(outdir.glob(cg.name + "*")) + [st]:
            old.unlink(missing_ok=True)
        for tool in ("callgrind", "strace"):
            wrap = (["valgrind", "--tool=callgrind", f"--callgrind-out-file={cg}"]
                    if tool == "callgrind" else ["strace", "-f", "-c", "-o", str(st)])
            try:
                p, port = _start_server(b, server, wrap)
            except RuntimeError as e:
                b.notes.append(f"HTTP {tool} run of {server.name} failed: {e}")
                continue
            try:
                if tool == "callgrind":
                    run(["callgrind_control", "-z", str(p.pid)])
                requests = _wrk_requests(_wrk(port, conns, seconds))
                if tool == "callgrind":
                    run(["callgrind_control", "-d", str(p.pid)])
            except RuntimeError as e:
                b.notes.append(f"HTTP {tool} run of {server.name}: {e}")
                continue
            finally:
                _stop_traced(p, tool)
            if requests < 2000:
                b.notes.append(f"HTTP {tool} run of {server.name}: only {requests} requests "
                               "(a loaded machine?), so its counts per request are rough.")
            if tool == "callgrind":
                dump = cg.with_name(cg.name + ".1")  # callgrind_control -d's
                counts.ir_per_request = _totals(dump) / requests
                counts.by_function = {f: c / requests for f, c in _annotate(dump).items()}
            else:
                counts.syscalls = {k: v / requests for k, v in _strace_counts(st).items()
                                   if v / requests > 0.001}
        out[server.name] = counts
    return out


def http(b: Build, servers: list, conns: tuple[int, ...], rounds: int,
         seconds: int) -> dict[int, dict[str, HttpSample]]:
    """wrk against every server, interleaved: for each connection count, rounds x every
    server (order rotated each round), a fresh server process per run, pinned to the last
    CPU and wrk (one thread) to the others."""
    out: dict[int, dict[str, HttpSample]] = {}
    for c in conns:
        log(f"http: {c} connections, {rounds} rounds x {len(servers)} servers x {seconds} s")
        samples = {s.name: HttpSample() for s in servers}
        for server in _interleaved(servers, rounds):
            if samples[server.name] is None:
                continue
            try:
                p, port = _start_server(b, server)
            except RuntimeError as e:
                b.notes.append(f"HTTP server {server.name} failed: {e}")
                samples[server.name] = None
                continue
            text = ""
            try:
                text = _wrk(port, c, seconds)
                rps, lat = _parse_wrk(text)
                cpu = _cpu_seconds(p.pid)
            except (StopIteration, ValueError, IndexError):
                b.notes.append(f"wrk against {server.name} at {c} connections gave no "
                               f"result: {text.strip()}")
                samples[server.name] = None
                continue
            finally:
                p.kill()
                p.wait()
            s = samples[server.name]
            s.rps.append(rps)
            s.cpu_us.append(cpu * 1e6 / (rps * seconds))
            for pct, v in lat.items():
                s.latency_us.setdefault(pct, []).append(v)
        out[c] = {k: v for k, v in samples.items() if v is not None}
    return out


def smoke(b: Build) -> int:
    """--build-only: every dispatch program runs one short cell in both read modes, and
    every HTTP server answers one request; returns the exit status."""
    failed = 0
    for impl in b.impls:
        try:
            res = run_program(b, dispatch_cmd(impl, 100, 10, 3, 1, 0), pin=False)
            log(f"{impl.name}: {res['events']} events per iteration, {res['reads']} reads per "
                "event")
        except RuntimeError as e:
            log(f"FAILED {e}")
            failed += 1
    for server in b.servers:
        try:
            p, port = _start_server(b, server)
        except RuntimeError as e:
            log(f"FAILED {e}")
            failed += 1
            continue
        try:
            import socket
            with socket.create_connection(("127.0.0.1", port), timeout=5) as c:
                c.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                reply = c.recv(4096)
            ok = reply.startswith(b"HTTP/1.1 200 OK") and reply.endswith(b"hello")
            log(f"http {server.name}: {'ok' if ok else 'FAILED: ' + repr(reply)}")
            failed += not ok
        finally:
            p.kill()
            p.wait()
    for n in b.notes:
        log(f"note: {n}")
    return 1 if failed else 0
