# SPDX-License-Identifier: MIT
"""Builds libmio (meson) and the benchmark programs (cc, the same flags for every one)."""

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
REPO = BENCH.parent
CC = os.environ.get("CC", "cc")
CFLAGS = ["-O2", "-g", "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra",
          "-Wno-unused-parameter"]


@dataclass
class Peer:
    """An event library the dispatch benchmark compares against."""
    name: str
    header: str
    pkgconfig: str | None   # pkg-config module, None when Debian ships no .pc file
    libs: list[str]         # link flags when there is no pkg-config module
    apt: str                # the Debian package that provides it


PEERS = [
    Peer("libev", "ev.h", None, ["-lev"], "libev-dev"),
    Peer("libevent", "event2/event.h", "libevent", ["-levent"], "libevent-dev"),
    Peer("libuv", "uv.h", "libuv", ["-luv"], "libuv1-dev"),
]


@dataclass
class Impl:
    """One benchmarked implementation: a program and its -b variant."""
    name: str               # as reported, e.g. "mio-epoll"
    program: Path
    args: list[str]
    kind: str               # "raw", "mio" or "peer"


@dataclass
class Build:
    dir: Path
    backends: list[str] = field(default_factory=list)
    impls: list[Impl] = field(default_factory=list)
    startup: Path | None = None
    notes: list[str] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def backend_dir(self) -> Path:
        return self.dir / "libmio" / "backends"

    def impl(self, name: str) -> Impl | None:
        return next((i for i in self.impls if i.name == name), None)


def log(msg: str) -> None:
    print(f"bench: {msg}", flush=True)


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def _meson_build(builddir: Path, extra: list[str]) -> subprocess.CompletedProcess:
    opts = ["--buildtype=debugoptimized", "-Dtests=disabled", "-Dexamples=disabled",
            "-Ddocs=disabled"] + extra
    setup = ["meson", "setup"] + (["--wipe"] if (builddir / "build.ninja").exists() else [])
    r = run(setup + opts + [str(builddir), str(REPO)])
    if r.returncode == 0:
        r = run(["ninja", "-C", str(builddir)])
    return r


def build_libmio(b: Build) -> None:
    """A clean meson build of libmio. If it fails (a backend being written may not build),
    retries without the optional poll backend and says so."""
    libdir = b.dir / "libmio"
    log(f"building libmio in {libdir}")
    r = _meson_build(libdir, [])
    if r.returncode != 0:
        tail = "\n".join((r.stdout + r.stderr).strip().splitlines()[-3:])
        b.notes.append("libmio did not build with every backend, so the poll backend was "
                       f"disabled (-Dpoll=disabled). The build said:\n\n```\n{tail}\n```")
        log("libmio build failed; retrying with -Dpoll=disabled")
        r = _meson_build(libdir, ["-Dpoll=disabled"])
        if r.returncode != 0:
            raise SystemExit(f"bench: libmio does not build:\n{r.stdout}\n{r.stderr}")
    b.backends = sorted(p.name[len("mio-"):-len(".so")]
                        for p in b.backend_dir.glob("mio-*.so"))
    if not b.backends:
        raise SystemExit(f"bench: no backend modules in {b.backend_dir}")
    log(f"libmio backends: {', '.join(b.backends)}")


def _peer_flags(p: Peer) -> list[str] | None:
    """Compile and link flags for a peer, or None when it is not installed."""
    flags = p.libs
    if p.pkgconfig:
        r = run(["pkg-config", "--cflags", "--libs", p.pkgconfig])
        if r.returncode != 0:
            return None
        flags = r.stdout.split()
    test = f"#include <{p.header}>\nint main(void) {{ return 0; }}\n"
    r = run([CC, "-x", "c", "-", "-o", os.devnull] + flags, input=test)
    return flags if r.returncode == 0 else None


def _peer_version(p: Peer) -> str:
    r = run(["dpkg-query", "-W", "-f=${Version}", p.apt])
    if r.returncode == 0 and r.stdout:
        return r.stdout
    if p.pkgconfig:
        r = run(["pkg-config", "--modversion", p.pkgconfig])
        if r.returncode == 0:
            return r.stdout.strip()
    return "unknown"


def find_peers(b: Build, install: bool) -> dict[str, list[str]]:
    """The installed peers and their flags; skips (and notes) the missing ones."""
    found = {}
    for p in PEERS:
        flags = _peer_flags(p)
        if flags is None and install:
            if os.geteuid() == 0 and shutil.which("apt-get"):
                log(f"installing {p.apt}")
                run(["apt-get", "install", "-y", p.apt])
                flags = _peer_flags(p)
            else:
                b.notes.append(f"--install-peers needs root and apt-get; {p.apt} not installed.")
        if flags is None:
            b.notes.append(f"{p.name} skipped: not installed (Debian package {p.apt}).")
            log(f"{p.name} not installed: skipped")
            continue
        found[p.name] = flags
        b.versions[p.name] = _peer_version(p)
    return found


def _compile(out: Path, sources: list[Path], flags: list[str]) -> None:
    r = run([CC] + CFLAGS + [str(s) for s in sources] + ["-o", str(out)] + flags)
    if r.returncode != 0:
        raise SystemExit(f"bench: compiling {out.name} failed:\n{r.stderr}")


def build_programs(b: Build, install_peers: bool) -> None:
    bindir = b.dir / "bin"
    bindir.mkdir(parents=True, exist_ok=True)
    libmio = b.dir / "libmio" / "libmio"
    mio_flags = [f"-I{REPO / 'libmio' / 'include'}", f"-I{libmio / 'include'}",
                 f"-L{libmio}", "-lmio", f"-Wl,-rpath,{libmio}"]
    d = BENCH / "dispatch"

    def dispatch(name: str, flags: list[str]) -> Path:
        out = bindir / f"bench-{name}"
        _compile(out, [d / "common.c", d / f"{name}.c"], flags)
        return out

    log("compiling the benchmark programs")
    epoll, poll = dispatch("epoll", []), dispatch("poll", [])
    b.impls = [Impl("epoll-et", epoll, ["-b", "et"], "raw"),
               Impl("epoll-lt", epoll, ["-b", "lt"], "raw"),
               Impl("poll", poll, [], "raw"),
               Impl("poll-drain", poll, ["-b", "drain"], "raw")]
    mio = dispatch("mio", mio_flags)
    b.impls += [Impl(f"mio-{be}", mio, ["-b", be], "mio") for be in b.backends]
    for name, flags in find_peers(b, install_peers).items():
        b.impls.append(Impl(name, dispatch(name, flags), [], "peer"))
    b.startup = bindir / "bench-startup"
    _compile(b.startup, [BENCH / "startup" / "startup.c"], mio_flags)
