"""Real engines for the tests of the optional extras: a Milvus Lite server and a PostgreSQL server, each a child
process on a free loopback port, stopped by its PID.

The extras are optional for a developer (`bash scripts/test.sh` runs without them: their tests are skipped), never
in CI: with `CI` set, a missing extra fails its tests instead of skipping them (`.ci/run` installs the extras).
"""

from __future__ import annotations

import importlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Iterator

import pytest

#: How long an engine may take to start listening (Milvus Lite imports pymilvus and numpy; initdb writes a cluster).
START_TIMEOUT_S = 60.0


def require(module: str) -> ModuleType:
    """Import an extra's module; skip the test when it is missing, except in CI, where that is a failure."""
    if os.environ.get("CI"):
        return importlib.import_module(module)
    return pytest.importorskip(module, reason=f"optional extra not installed ({module}); CI installs it")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = START_TIMEOUT_S) -> None:
    """Until something listens on the loopback port; fails if the process ends first or it takes too long."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"engine exited with {process.returncode} before listening on {port}")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listened on 127.0.0.1:{port} within {timeout:.0f} s")


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
    """Stop a child by its PID: the signal, then a kill if it has not ended after `timeout` seconds."""
    if process.poll() is None:
        os.kill(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def milvus_server(data_dir: Path) -> Iterator[str]:
    """A Milvus Lite gRPC server (`milvus-lite server`) on a free loopback port; yields its `http://` URI."""
    require("milvus_lite")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data_dir),
                                "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process, signal.SIGINT)  # its KeyboardInterrupt path drains requests and closes the data directory


def _postgres_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None)
    if found is None:
        if os.environ.get("CI"):
            raise RuntimeError(f"PostgreSQL's {name} is not installed (.ci/run installs Debian's postgresql)")
        pytest.skip(f"PostgreSQL's {name} is not installed; CI installs it")
    return str(found)


@contextmanager
def postgres_server() -> Iterator[str]:
    """A throw-away PostgreSQL cluster (`initdb` in a new temp folder, `postgres` on a free loopback port, its socket
    file in that folder, removed at the end); yields a `postgresql://` URL. As root the server runs as the
    `postgres` user (it refuses root), so the folder is made under /tmp, not under pytest's root-only one."""
    require("psycopg")
    initdb, postgres = _postgres_bin("initdb"), _postgres_bin("postgres")
    user = "postgres" if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="qa-postgres-"))
    data = base / "pgdata"
    process = None
    try:
        if user:
            shutil.chown(base, user)
        subprocess.run([initdb, "-D", str(data), "-U", "qa", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
                       check=True, user=user, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        port = free_port()
        process = subprocess.Popen([postgres, "-D", str(data), "-p", str(port), "-h", "127.0.0.1", "-k", str(base),
                                    "-c", "fsync=off"], user=user, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        wait_for_port(port, process)
        url = f"postgresql://qa@127.0.0.1:{port}/postgres"
        _wait_until_accepting(url)
        yield url
    finally:
        if process is not None:
            stop(process, signal.SIGINT)  # fast shutdown
        shutil.rmtree(base, ignore_errors=True)


def _wait_until_accepting(url: str, timeout: float = START_TIMEOUT_S) -> None:
    """PostgreSQL listens before it accepts sessions ("the database system is starting up"): wait for a session."""
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg.connect(url, connect_timeout=5).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.2)


def fresh_database(server_url: str) -> str:
    """A new, empty database on the server (one per test, so tests never see each other's rows); its URL."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + "/" + name
