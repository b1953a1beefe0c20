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
    """One benchmarked implementation: a program and its arguments."""
    name: str               # as reported, e.g. "mio-epoll", "epoll-et-drain"
    program: Path
    args: list[str]
    kind: str               # "raw", "mio", "rust" or "peer"
    drains: bool = False    # reads until EAGAIN (else until a short read)


@dataclass
class Server:
    """One HTTP server of the real-client benchmark."""
    name: str
    program: Path
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Build:
    dir: Path
    backends: list[str] = field(default_factory=list)
    impls: list[Impl] = field(default_factory=list)
    servers: list[Server] = field(default_factory=list)
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


# What the measurements use besides the peers, by Debian package: the command it provides.
TOOLS = {"valgrind": "valgrind", "strace": "strace", "wrk": "wrk", "cargo": "cargo",
         "rustc": "rustc", "librust-mio-dev": None}


def _installed(package: str) -> bool:
    r = run(["dpkg-query", "-W", "-f=${Status}", package])
    return r.returncode == 0 and "ok installed" in r.stdout


def install_tools(b: Build) -> None:
    """apt-get install the tools that are missing (root only); the run skips, with a note,
    what is still missing."""
    missing = [p for p, cmd in TOOLS.items()
               if not (shutil.which(cmd) if cmd else _installed(p))]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        b.notes.append(f"--install-peers needs root and apt-get; not installed: "
                       f"{', '.join(missing)}.")
        return
    log(f"installing {' '.join(missing)}")
    run(["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y",
         "--no-install-recommends"] + missing)


def find_peers(b: Build, install: bool) -> dict[str, list[str]]:
    """The installed peers and their flags; skips (and notes) the missing ones."""
    found = {}
    for p in PEERS:
        flags = _peer_flags(p)
        if flags is None and install:
            if os.geteuid() == 0 and shutil.which("apt-get"):
                log(f"installing {p.apt}")
                run(["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", p.apt])
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


def _rust_mio(b: Build, bindir: Path) -> Path | None:
    """bench/rust-mio as a static library (cargo, offline, Debian's crate sources) linked
    with the C driver; None, with a note, where cargo or the crates are missing."""
    crate = BENCH / "rust-mio"
    cargo = shutil.which("cargo")
    if not cargo:
        b.notes.append("Rust mio skipped: cargo is not installed (Debian: cargo, rustc, "
                       "librust-mio-dev).")
        return None
    target = b.dir / "rust-mio"
    env = dict(os.environ, CARGO_TARGET_DIR=str(target))
    r = run([cargo, "rustc", "--offline", "--release", "--quiet", "--",
             "--print", "native-static-libs"], cwd=crate, env=env)
    (crate / "Cargo.lock").unlink(missing_ok=True)  # resolved against Debian's versions
    if r.returncode != 0:
        tail = "\n".join(r.stderr.strip().splitlines()[-3:])
        b.notes.append("Rust mio skipped: `cargo build --offline` failed (is librust-mio-dev "
                       f"installed?):\n\n```\n{tail}\n```")
        return None
    libs = next((l.split(":", 2)[2].split() for l in r.stderr.splitlines()
                 if "native-static-libs:" in l), ["-lgcc_s", "-lpthread", "-ldl", "-lc"])
    out = bindir / "bench-rust-mio"
    _compile(out, [BENCH / "dispatch" / "common.c", target / "release" / "libbench_rust_mio.a"],
             libs)
    mio_dir = next((p.name for p in Path("/usr/share/cargo/registry").glob("mio-0.8*")), None)
    b.versions["Rust mio"] = (mio_dir or "mio 0.8").replace("mio-", "")
    b.versions["rustc"] = _first_word_version(["rustc", "--version"])
    return out


def _first_word_version(cmd: list[str]) -> str:
    r = run(cmd)
    return r.stdout.split()[1] if r.returncode == 0 and len(r.stdout.split()) > 1 else "unknown"


def build_programs(b: Build, install_peers: bool) -> None:
    if install_peers:
        install_tools(b)
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

    def both(name: str, program: Path, args: list[str], kind: str) -> list[Impl]:
        """The short-read loop and the draining one."""
        return [Impl(name, program, args, kind),
                Impl(f"{name}-drain", program, args + ["-r", "drain"], kind, True)]

    log("compiling the benchmark programs")
    epoll, poll = dispatch("epoll", []), dispatch("poll", [])
    b.impls = (both("epoll-et", epoll, ["-b", "et"], "raw") +
               [Impl("epoll-lt", epoll, ["-b", "lt"], "raw")] +
               both("poll", poll, [], "raw"))
    mio = dispatch("mio", mio_flags)
    for be in b.backends:
        b.impls += both(f"mio-{be}", mio, ["-b", be], "mio")
    rust = _rust_mio(b, bindir)
    if rust:
        b.impls += both("rust-mio", rust, [], "rust")
    peers = find_peers(b, install_peers)
    for name, flags in peers.items():
        b.impls.append(Impl(name, dispatch(name, flags), [], "peer"))
    b.startup = bindir / "bench-startup"
    _compile(b.startup, [BENCH / "startup" / "startup.c"], mio_flags)
    _http_servers(b, bindir, mio_flags, peers)


def _http_servers(b: Build, bindir: Path, mio_flags: list[str],
                  peers: dict[str, list[str]]) -> None:
    """The real-client benchmark's servers: examples/http_hello.c (libmio, every backend)
    and bench/http/'s on raw epoll and the peers, all on examples/http_core.c."""
    ex, h = REPO / "examples", BENCH / "http"
    core = [ex / "http_core.c"]
    # http_core.h takes mio_fd_t from <mio/common.h>; the servers on other loops link no libmio.
    inc = [f"-I{ex}"] + [f for f in mio_flags if f.startswith("-I")]
    hello = bindir / "http-mio"
    _compile(hello, [ex / "http_hello.c"] + core, inc + mio_flags)
    b.servers = [Server(f"mio-{be}", hello, {"MIO_BACKEND": be}) for be in b.backends]
    for name, flags in [("epoll", [])] + list(peers.items()):
        out = bindir / f"http-{name}"
        _compile(out, [h / "server.c", h / f"{name}.c"] + core, inc + flags)
        b.servers.append(Server(name, out))
