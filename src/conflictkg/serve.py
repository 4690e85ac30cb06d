"""A SPARQL 1.1 Protocol endpoint over the store, served by the Oxigraph server.

Why a real server and not a home-made one: the Oxigraph server (PyPI package
`oxigraph`, installed with conflictkg) opens the very RocksDB store the embedded
pyoxigraph writes, and speaks the standard protocols a user's tools expect:

- SPARQL 1.1 Protocol at `/query` (https://www.w3.org/TR/sparql11-protocol/)
- SPARQL 1.1 Update at `/update` (read-write servers only)
- SPARQL 1.1 Graph Store HTTP Protocol at `/store` (https://www.w3.org/TR/sparql11-http-rdf-update/)

By default the server is read-only (`oxigraph serve-read-only`, which may run while
other processes read the store), listens on loopback only, and answers queries with the
union of the named graphs as the default graph, as the model asks (docs/model.md).
`running_server()` is what tests and benchmarks use; `serve_forever()` is the CLI's.
"""

from __future__ import annotations

import contextlib
import ipaddress
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import requests

from conflictkg.errors import BadInput, ConflictKGError, StoreError
from conflictkg.store import is_store

LOOPBACK = "127.0.0.1"
READY_TIMEOUT_S = 30.0


class ServerError(ConflictKGError):
    """The server binary is missing, or the server did not start or died."""

    exit_code = 2


def oxigraph_binary() -> Path:
    """The `oxigraph` server binary: the one next to this Python (the venv), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return beside
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    raise ServerError("the `oxigraph` server binary is not installed: pip install 'oxigraph>=0.5,<0.6'")


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port nobody listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Server:
    """A running Oxigraph server and its endpoint URLs."""

    store: Path
    host: str
    port: int
    read_only: bool
    process: subprocess.Popen = field(repr=False)
    log: IO[bytes] | None = field(default=None, repr=False)

    def messages(self) -> str:
        """What the server wrote to its standard error."""
        if self.log is None:
            return ""
        self.log.seek(0)
        return self.log.read().decode(errors="replace").strip()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def query_url(self) -> str:
        """The SPARQL 1.1 Protocol query endpoint."""
        return f"{self.url}/query"

    @property
    def update_url(self) -> str:
        """The SPARQL 1.1 Update endpoint (a read-only server refuses updates)."""
        return f"{self.url}/update"

    @property
    def store_url(self) -> str:
        """The SPARQL 1.1 Graph Store HTTP Protocol endpoint."""
        return f"{self.url}/store"

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """Stop cleanly (SIGTERM; SIGKILL after `timeout` seconds)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(store: Path, host: str = LOOPBACK, port: int | None = None,
                 read_only: bool = True, union_default_graph: bool = True,
                 timeout_s: int | None = None, quiet: bool = True) -> Server:
    """Start `oxigraph serve[-read-only]` on `store` and return once it answers a query.

    A read-only server needs an existing store; a read-write one creates it if missing.
    `port=None` picks a free port. `timeout_s` bounds each query on the server side.
    """
    store = Path(store)
    if read_only and not is_store(store):
        raise StoreError(f"{store}: no store there to serve; run `conflictkg build` "
                         "(or give --store DIR, or --writable to start an empty store)")
    if store.exists() and not store.is_dir():
        raise StoreError(f"{store}: not a store (it is a file)")
    if port is None:
        port = free_port(host if is_loopback(host) else "0.0.0.0")
    elif not port_free(host, port):
        raise ServerError(f"port {port} on {host} is in use (another server?); "
                          "give another --port")
    cmd = [str(oxigraph_binary()), "serve-read-only" if read_only else "serve",
           "--location", str(store), "--bind", f"{host}:{port}"]
    if union_default_graph:
        cmd.append("--union-default-graph")
    if timeout_s:
        cmd += ["--timeout-s", str(timeout_s)]
    out = subprocess.DEVNULL if quiet else None
    # stderr to a file, not a pipe: a pipe nobody reads would block a chatty server
    log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(cmd, stdout=out, stderr=log, stdin=subprocess.DEVNULL)
    server = Server(store, host, port, read_only, proc, log)
    try:
        wait_ready(server)
    except BaseException:
        server.stop()
        raise
    return server


def wait_ready(server: Server, timeout: float = READY_TIMEOUT_S) -> None:
    """Poll the query endpoint until it answers `ASK {}`; fail with the server's own
    message if it exits (port in use, store locked...)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.alive():
            raise ServerError(f"the Oxigraph server on {server.store} exited at start-up "
                              f"(code {server.process.returncode}): {server.messages() or 'no message'}")
        with contextlib.suppress(requests.RequestException):
            r = requests.get(server.query_url, params={"query": "ASK {}"},
                             headers={"Accept": "application/sparql-results+json"}, timeout=2)
            if r.status_code == 200:
                return
        time.sleep(0.05)
    raise ServerError(f"the Oxigraph server on {server.url} did not answer within {timeout:.0f} s")


@contextlib.contextmanager
def running_server(store_dir: Path, port: int | None = None, read_only: bool = True,
                   host: str = LOOPBACK, union_default_graph: bool = True) -> Iterator[Server]:
    """A server for the duration of a `with` block (tests, benchmarks, notebooks)."""
    server = start_server(store_dir, host, port, read_only, union_default_graph)
    try:
        yield server
    finally:
        server.stop()


def serve_forever(store: Path, host: str = LOOPBACK, port: int = 7878, read_only: bool = True,
                  union_default_graph: bool = True, timeout_s: int | None = None,
                  announce=print) -> int:
    """Serve until Ctrl-C or SIGTERM; returns the server's exit code (0 on a clean stop)."""
    if not is_loopback(host):
        announce(f"warning: listening on {host}: the endpoint is reachable from the network "
                 "and has no authentication")
    def interrupt(*_) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    server: Server | None = None
    try:
        server = start_server(store, host, port, read_only, union_default_graph, timeout_s,
                              quiet=False)
        mode = "read-only" if read_only else "read-write"
        announce(f"SPARQL endpoint ({mode}) over {store}: {server.query_url}")
        if not read_only:
            announce(f"  update: {server.update_url}   graph store: {server.store_url}")
        announce("  stop with Ctrl-C")
        code = server.process.wait()
        if code:
            raise ServerError(f"the Oxigraph server stopped with code {code}: {server.messages()}")
        return code
    except KeyboardInterrupt:
        if server is not None:
            server.stop()
        announce("server stopped")
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


__all__ = ["Server", "ServerError", "BadInput", "oxigraph_binary", "free_port", "start_server",
           "running_server", "serve_forever", "wait_ready"]
