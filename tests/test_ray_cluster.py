"""`qa index --ray auto` and `--ray ray://host:port` on a real multi-process cluster: `ray start --head --block`
run by the test as a process of its own (1 CPU, a 200 MB object store, no dashboard, every port a free loopback
one, its own temp folder, and the Ray Client server on), as an operator starts a cluster's head node. Built
through the CLI, on the cluster's actor, the index is the one-process build's. The `ray://` build runs in a fresh
`qa` process, as an operator runs it (a process that has joined a cluster before has Ray's token setting cached,
which hid a client that sent no token). The cluster is stopped by the PID of its `ray start` process — never with
`ray stop`, which stops every cluster on the machine, other people's too — and afterwards no process of it is
left. When the test fails, the cluster's logs are kept under the test's temp folder (the path is printed)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from qa.cli import main
from qa.config import Settings
from qa.index.build import build_index
from qa.index.store import live_folder
from qa.pipeline import Assistant

from engines import free_port, require, stop, wait_for_port
from ray_support import alive, assert_same_index, cluster_pids, ray_corpus, ray_temp  # noqa: F401 (a fixture)

require("ray")

#: The head node's object store: texts and vectors pass through it one share at a time.
OBJECT_STORE_BYTES = 200 * 1024 * 1024
#: How long the head node may take to start (GCS, raylet, agents; slower on a loaded machine).
START_TIMEOUT_S = 120.0
#: How long `ray start` may take to stop what it started (it drains the node for up to 30 s first).
STOP_TIMEOUT_S = 60.0
#: How long the head's Ray Client server waits for the server it starts for each `ray://` client — a fresh Python
#: process that imports Ray and joins the cluster — to accept connections. Ray's default, 30 s, is shorter than
#: the head's own start on a loaded machine; when it runs out the client gets "Initialization failure from server"
#: (as in one full CI run; the same message when this wait is set to 0 s).
CLIENT_SERVER_WAIT_S = START_TIMEOUT_S


@dataclass(frozen=True)
class Head:
    """A running head node: its `ray start` process and its Ray Client server's port (`ray://`)."""

    process: subprocess.Popen
    client_port: int


def _ports() -> dict[str, int]:
    """Every port the head node listens on, free ones (its defaults would collide with another cluster on this
    machine). Ray listens on the machine's address (and the client server on loopback too)."""
    names = ("port", "ray-client-server-port", "node-manager-port", "object-manager-port", "metrics-export-port",
             "dashboard-agent-listen-port", "dashboard-agent-grpc-port", "runtime-env-agent-port")
    ports: dict[str, int] = {}
    while len(set(ports.values())) < len(names):  # free_port() could hand out one port twice
        ports = {name: free_port() for name in names}
    return ports


def _processes_of(temp: Path) -> list[int]:
    """PIDs of the processes whose command line names the cluster's temp folder (GCS, raylet, agents, workers)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(temp).encode() in cmdline.read_bytes() and alive(int(cmdline.parent.name)):
                found.append(int(cmdline.parent.name))
        except (OSError, ValueError):
            continue
    return found


@contextmanager
def ray_head(temp: Path, keep_logs: Path) -> Iterator[Head]:
    """`ray start --head --block` as a child process; stopped by its PID (SIGTERM: it stops what it started). If
    the block fails, the cluster's session logs are copied to `keep_logs` (`temp` is removed after the module)."""
    ports = _ports()
    ray_cli = Path(sys.executable).with_name("ray")
    argv = [str(ray_cli), "start", "--head", "--block", "--num-cpus=1",
            f"--object-store-memory={OBJECT_STORE_BYTES}", "--include-dashboard=false", "--disable-usage-stats",
            *(f"--{name}={port}" for name, port in ports.items())]
    env = {**os.environ, "RAY_TMPDIR": str(temp),
           "RAY_CLIENT_SERVER_CHECK_CHANNEL_TIMEOUT_S": f"{CLIENT_SERVER_WAIT_S:.0f}"}
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(ports["port"], process, START_TIMEOUT_S)
        wait_for_port(ports["ray-client-server-port"], process, START_TIMEOUT_S)
        deadline = time.monotonic() + START_TIMEOUT_S  # the raylet starts after the GCS and the client server
        while len(cluster_pids(temp)) < 2 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        yield Head(process, ports["ray-client-server-port"])
    except BaseException:
        for logs in temp.glob("ray/session_2*/logs"):
            shutil.copytree(logs, keep_logs / logs.parent.name, dirs_exist_ok=True)
        print(f"Ray 集群的日志保存在 {keep_logs}", file=sys.stderr)
        raise
    finally:
        stop(process, timeout=STOP_TIMEOUT_S)


@pytest.fixture(scope="module")
def one_process_build(assistant: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The corpus built in this process, without Ray: what every build on the cluster must equal."""
    base = tmp_path_factory.mktemp("cluster")
    local = Settings(corpus_dir=ray_corpus(base / "corpus"), index_dir=base / "local")
    build_index(local, embedder=assistant.index.embedder, show_progress=False)
    return local


def _build_on(address: str, local: Settings, index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`qa index --ray ADDRESS` in this process into a fresh folder (nothing cached: every text encoded on the
    cluster)."""
    assert main(_index_args(address, local, index)) == 0
    _check_build(capsys.readouterr().err, local, index)


#: Heads a `ray://` build is tried on. Ray's client server starts a server of its own for each client, forking
#: while its gRPC threads run ("skipping fork() handlers"); on a loaded machine that server can die at once, and
#: on one head it then died for a second client too (CI on 2026-12-07) — a fresh head is the second chance.
CLIENT_HEADS = 2
#: Clients tried on one head before it is replaced (one CI run in five on 2026-12-05 needed the second).
CLIENTS_PER_HEAD = 2
#: What a client prints when the head's client server could not start the server for it.
CLIENT_SERVER_FAILED = "Initialization failure from server"


def _build_in_a_fresh_process(address: str, local: Settings, index: Path) -> subprocess.CompletedProcess[str]:
    """`qa index --ray ADDRESS` as a process of its own, with no Ray setting in its environment; tried again (up to
    CLIENTS_PER_HEAD times) only when the head's client server failed to start the server for this client."""
    env = {k: v for k, v in os.environ.items() if k not in ("RAY_AUTH_MODE", "RAY_ADDRESS")}
    for _ in range(CLIENTS_PER_HEAD):
        done = subprocess.run([sys.executable, "-m", "qa", *_index_args(address, local, index)], env=env,
                              capture_output=True, text=True, timeout=2 * START_TIMEOUT_S + CLIENT_SERVER_WAIT_S)
        if done.returncode == 0 or CLIENT_SERVER_FAILED not in done.stderr:
            break
    return done


def _client_server_logs(temp: Path) -> str:
    """The end of each log of the servers the heads' client servers started (why one died, for a failing test)."""
    return "\n".join(f"{log.name}:\n{log.read_text(errors='replace')[-2000:]}"
                     for log in sorted(temp.glob("ray/session_2*/logs/ray_client_server_2*.err")))


def _index_args(address: str, local: Settings, index: Path) -> list[str]:
    return ["index", "--corpus", str(local.corpus_dir), "--index", str(index), "--ray", address]


def _check_build(err: str, local: Settings, index: Path) -> None:
    assert "在 Ray 集群上编码段落" in err and "1 个工作进程" in err, err  # on the cluster's one actor
    assert_same_index(live_folder(local.index_dir), live_folder(index))


def test_an_auto_build_on_a_running_cluster_is_the_one_process_build_and_the_cluster_stops_by_pid(
        ray_temp: Path, one_process_build: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("RAY_ADDRESS", raising=False)  # `auto` finds the cluster through RAY_TMPDIR alone
    monkeypatch.delenv("RAY_AUTH_MODE", raising=False)  # (restored after the test if it was set)
    with ray_head(ray_temp, keep_logs=tmp_path / "ray-logs") as head:
        pids = cluster_pids(ray_temp)
        assert len(pids) == 2 and all(alive(pid) for pid in pids)  # its raylet and GCS server
        _build_on("auto", one_process_build, tmp_path / "auto", capsys)
        assert head.process.poll() is None  # the build disconnected; the cluster runs on
    deadline = time.monotonic() + 30  # workers notice their raylet is gone
    while _processes_of(ray_temp) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _processes_of(ray_temp) and not [pid for pid in pids if alive(pid)]


def test_a_ray_client_build_in_a_fresh_process_is_the_one_process_build(
        ray_temp: Path, one_process_build: Settings, tmp_path: Path) -> None:
    """Through the head's client server: the client sends the cluster's token (~/.ray/auth_token, if any) unasked."""
    for attempt in range(CLIENT_HEADS):
        with ray_head(ray_temp, keep_logs=tmp_path / f"ray-logs-{attempt}") as head:
            done = _build_in_a_fresh_process(f"ray://127.0.0.1:{head.client_port}", one_process_build,
                                             tmp_path / "client")
        if done.returncode == 0 or CLIENT_SERVER_FAILED not in done.stderr:
            break
    assert done.returncode == 0, done.stderr + _client_server_logs(ray_temp)
    _check_build(done.stderr, one_process_build, tmp_path / "client")
