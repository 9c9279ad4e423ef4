"""`qa index --ray ADDRESS`: a build whose documents are read and texts encoded by the actors of a Ray cluster.

ADDRESS is `local` (a cluster started by this process for the build and stopped after it: one worker per core, no
dashboard, a small object store), `auto` (the cluster `ray start` runs on this machine) or `ray://host:port` (a
remote cluster's client server). Each actor loads the model once, reads a share of the documents and encodes
shares of the texts, looking up what earlier builds encoded in the Parquet vector cache (`qa.index.vector_table`);
the building process does everything else exactly as a local build does (`qa.index.build.BuildWorkers`), so both
write the same index. Texts go to the actors in whole encoder batches (`CHUNK_TEXTS`), so on a fresh build each
batch holds the same texts as in a local build. On several machines the corpus and index folders must be at the
same path on every node (shared storage) and every node must run the same version of this package.

An address that is wrong or cannot be reached is one Chinese line before anything is written.
"""

from __future__ import annotations

import os
import re
import socket
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, TypeVar

import numpy as np
from tqdm import tqdm

from qa.errors import UserError
from qa.index.build import EMBED_BATCH, TEXT_KINDS, Progress, encode_in_batches
from qa.index.embedders import Embedder, EmbedderChoice, make_embedder
from qa.index.vector_cache import VectorCache, cache_path, text_key
from qa.index.vector_table import read_vectors, table_path, write_table
from qa.ingest.read import Entry, Skipped, read_entry
from qa.ingest.source import ReadOptions, SourceDocument

try:
    import ray
    from ray._raylet import Config as RayConfig
    from ray.util.actor_pool import ActorPool
except ImportError:  # the optional extra; `ray_workers` says how to install it
    ray = None

T = TypeVar("T")
#: Object store of a `local` cluster: texts and vectors pass through it one share at a time.
LOCAL_OBJECT_STORE_BYTES = 200 * 1024 * 1024
#: Most texts per encoding task (whole encoder batches; fewer when that leaves a worker idle).
CHUNK_TEXTS = 16 * EMBED_BATCH
#: A `ray://` address that does not answer a TCP connection in this time is reported as unreachable.
CONNECT_TIMEOUT_S = 5.0
_CLIENT_ADDRESS = re.compile(r"ray://(?P<host>[^:/\s]+):(?P<port>\d{1,5})")


def check_address(address: str) -> tuple[str, int] | None:
    """(host, port) of a `ray://host:port` address, None for `local` and `auto`; anything else a `UserError`."""
    if address in ("local", "auto"):
        return None
    match = _CLIENT_ADDRESS.fullmatch(address)
    if not match or not 0 < int(match["port"]) < 65536:
        raise UserError(f"无法识别的 Ray 地址“{address}”：请用 local（在本机启动集群）、auto（本机已运行的集群）"
                        "或 ray://主机:端口")
    return match["host"], int(match["port"])


def _check_reachable(address: str, host: str, port: int) -> None:
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        raise UserError(f"无法连接 Ray 集群 {address}：{exc.strerror or exc}") from None


def _send_cluster_token() -> None:
    """A Ray cluster requires a token by default (Ray 2.60: `ray start` keeps it in ~/.ray/auth_token), but a
    `ray://` client sends one only in token mode — without it the client server refuses the connection and the
    client times out. With a token at hand and no mode chosen, choose token mode (a choice made in the environment
    stands) the way Ray's own `auto` connection does: RAY_AUTH_MODE for this process and its children, and Ray's
    configuration read again — it was read at import, so the variable alone changes nothing in this process (a
    fresh `qa index --ray ray://…` timed out; it passed only in a process that had joined a cluster before)."""
    if "RAY_AUTH_MODE" in os.environ:
        return
    if os.environ.get("RAY_AUTH_TOKEN") or os.environ.get("RAY_AUTH_TOKEN_PATH") or \
            (Path.home() / ".ray" / "auth_token").is_file():
        os.environ["RAY_AUTH_MODE"] = "token"
        RayConfig.initialize("")


def _summary(exc: BaseException) -> str:
    """One line for an exception: its message's first line — and, when that line only introduces a report
    (Ray's "Initialization failure from server:" above the server's traceback), the report's last line too, which
    names the cause."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()] or [exc.__class__.__name__]
    return f"{lines[0]} {lines[-1]}" if lines[0].endswith(":") and len(lines) > 1 else lines[0]


def _start(address: str, num_cpus: int | None) -> None:
    """Start a local cluster or connect to one; whatever goes wrong is one Chinese line."""
    try:
        if address == "local":
            ray.init(address="local", num_cpus=num_cpus or os.cpu_count() or 1, include_dashboard=False,
                     object_store_memory=LOCAL_OBJECT_STORE_BYTES, log_to_driver=False, configure_logging=False)
        else:
            ray.init(address=address, log_to_driver=False, configure_logging=False)
    except Exception as exc:  # Ray raises ConnectionError, RuntimeError, ValueError … for a cluster it cannot use
        ray.shutdown()  # whatever part of a local cluster did start
        where = {"local": "本机的 Ray 集群未能启动",
                 "auto": "本机没有可连接的 Ray 集群（可先运行 ray start --head，或改用 --ray local）"}.get(
            address, f"无法连接 Ray 集群 {address}")
        raise UserError(f"{where}：{_summary(exc)}") from None


@contextmanager
def ray_workers(address: str, num_cpus: int | None = None) -> Iterator["RayWorkers"]:
    """Workers on the cluster at `address` for the builds of this block; `local` starts a cluster (with
    `num_cpus` workers, default one per core) and stops it at the end, the others are disconnected."""
    where = check_address(address)
    if ray is None:
        raise UserError("未安装 Ray 支持：请运行 pip install '.[ray]'")
    if where is not None:
        _check_reachable(address, *where)
        _send_cluster_token()
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # an offline product: no usage report
    _start(address, num_cpus)
    try:
        yield RayWorkers(int(ray.cluster_resources().get("CPU", 1)))
    finally:
        ray.shutdown()


def chunk_size(texts: int, workers: int) -> int:
    """Texts per encoding task: at most `CHUNK_TEXTS`, few enough that every worker gets a share, and a whole
    number of encoder batches, so that a fresh build's batches are a local build's."""
    share = -(-texts // max(1, workers))
    return max(EMBED_BATCH, min(CHUNK_TEXTS, -(-share // EMBED_BATCH) * EMBED_BATCH))


@dataclass
class EncodeStats:
    """What the actors reported for one `encode_new`: texts encoded and the seconds they spent encoding them."""

    kind: str
    encoded: int
    busy_seconds: float
    wall_seconds: float
    workers: int

    @property
    def per_worker_rate(self) -> float:
        """Texts per second one worker encodes (its encoding time only: not model loading or waiting)."""
        return self.encoded / self.busy_seconds if self.busy_seconds else 0.0


class BuildActor:
    """One worker: reads documents and encodes texts; the model is loaded once, on its first encoding task (again
    only if a later build asks for another one)."""

    def __init__(self) -> None:
        self._model: tuple[str, str, str] | None = None
        self._embedder: Embedder | None = None

    def read(self, entry: Entry, options: ReadOptions) -> SourceDocument | Skipped:
        return read_entry(entry, options)

    def encode(self, model: tuple[str, str, str], table: str, keys: list[bytes], texts: list[str],
               dim: int) -> tuple[np.ndarray, int, float]:
        """Vectors of distinct texts (cached ones from the table), how many were encoded, and in how many seconds."""
        if self._embedder is None or self._model != model:
            self._embedder, self._model = make_embedder(*model), model
        cached = read_vectors(Path(table), keys, dim)
        missing = [i for i, key in enumerate(keys) if key not in cached]
        started = time.perf_counter()
        new = encode_in_batches(self._embedder, [texts[i] for i in missing], False)
        seconds = time.perf_counter() - started
        vectors = np.zeros((len(keys), dim), dtype=np.float32)
        for i, key in enumerate(keys):
            if key in cached:
                vectors[i] = cached[key]
        if missing:
            vectors[missing] = new
        return vectors, len(missing), seconds


def _gathered(results: Iterable[T]) -> list[T]:
    """The actors' results; a task that failed on a worker is one Chinese line with the worker's own error (a
    model missing on that node, say) instead of Ray's remote traceback."""
    try:
        return list(results)
    except ray.exceptions.RayError as exc:
        cause = getattr(exc, "cause", None) or exc
        raise UserError(f"Ray 工作进程出错：{_summary(cause)}") from None


@dataclass
class RayWorkers:
    """`BuildWorkers` on a Ray cluster: one `BuildActor` per CPU of the cluster, created on first use."""

    cpus: int
    stats: list[EncodeStats] = field(default_factory=list)
    _actors: list[Any] = field(default_factory=list)

    def _pool(self) -> Any:
        if not self._actors:
            actor = ray.remote(num_cpus=1)(BuildActor)
            self._actors = [actor.remote() for _ in range(max(1, self.cpus))]
        return ActorPool(self._actors)

    def read(self, entries: list[Entry], options: ReadOptions) -> list[SourceDocument | Skipped]:
        """Each file read by whichever actor is free, the results in the walk's order."""
        return _gathered(self._pool().map(lambda actor, entry: actor.read.remote(entry, options), entries))

    def encode_new(self, choice: EmbedderChoice, index_dir: Path, kind: str, texts: list[str],
                   progress: Progress) -> tuple[np.ndarray, int]:
        embedder = choice.embedder  # its id and dimension name the cache and go into the manifest
        dim, what = embedder.dim, TEXT_KINDS[kind]
        npz = cache_path(index_dir, embedder.id, choice.passage_prompt, kind)
        table = table_path(npz)
        if not table.is_file():  # the first build on Ray starts from the local builds' cache
            earlier = VectorCache(npz, dim).vectors
            write_table(table, list(earlier), np.asarray(list(earlier.values()), dtype=np.float32).reshape(-1, dim))
        keys = [text_key(t) for t in texts]
        first_text = dict(zip(keys, texts))  # each distinct text once
        distinct = list(first_text)
        size = chunk_size(len(distinct), self.cpus)
        chunks = [distinct[i:i + size] for i in range(0, len(distinct), size)]
        progress.report(f"在 Ray 集群上编码{what}：{len(distinct)} 个，{len(chunks)} 份，{self.cpus} 个工作进程")
        model = (choice.spec, choice.query_prompt, choice.passage_prompt)
        started = time.perf_counter()
        results = _gathered(tqdm(
            self._pool().map(lambda actor, chunk: actor.encode.remote(model, str(table), chunk,
                                                                    [first_text[k] for k in chunk], dim), chunks),
            total=len(chunks), desc=f"编码{what}", unit="份", disable=not progress.bars or not chunks,
            file=sys.stderr))
        found: dict[bytes, np.ndarray] = {}
        for chunk, (vectors, _, _) in zip(chunks, results):
            found.update(zip(chunk, vectors))
        stats = EncodeStats(kind, sum(r[1] for r in results), sum(r[2] for r in results),
                            time.perf_counter() - started, self.cpus)
        self.stats.append(stats)
        progress.report(f"新编码 {stats.encoded} 个{what}（另有 {len(distinct) - stats.encoded} 个已有缓存向量），"
                        f"每个工作进程每秒约 {stats.per_worker_rate:.1f} 个")
        write_table(table, distinct, np.asarray([found[k] for k in distinct], dtype=np.float32).reshape(-1, dim))
        return np.asarray([found[k] for k in keys], dtype=np.float32).reshape(len(keys), dim), stats.encoded
