"""What the Ray build tests share: Ray's own temp folder for a module, the corpus they build, the check that two
builds wrote the same index, and the PIDs of a cluster's raylet and GCS server read from its session logs (so a
test can check, by PID, that the cluster it started is gone)."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import faiss
import numpy as np
import pytest

from qa.index.lexical import LexicalIndex
from qa.index.store import BM25_DIR, DENSE, STATEMENTS, read_manifest

from conftest import copy_corpus

#: Files of a build folder that must be byte-identical (bm25s writes its vocabulary in hash order, so its matrix
#: files differ between any two builds, local ones included: the BM25 is compared by its scores instead).
SAME_BYTES = ("passages.jsonl", "documents.json", "vocabulary.json", "tags.json")
#: Build-to-build differences that are not the index: times, and the checksums of bm25s's hash-ordered files.
NOT_COMPARED = ("built_at", "build_seconds", "encode_seconds", "files")
_LOG_PID = re.compile(r"^\[[^\]]* [A-Z] (\d+) \d+\]", re.M)


@pytest.fixture(scope="module")
def ray_temp() -> Iterator[Path]:
    """Ray's temp folder for this module (short: its socket paths must stay under 108 bytes); `auto` finds only
    the clusters started with it."""
    folder = Path(tempfile.mkdtemp(prefix="qa-ray-", dir="/tmp"))
    previous = os.environ.get("RAY_TMPDIR")
    os.environ["RAY_TMPDIR"] = str(folder)
    try:
        yield folder
    finally:
        if previous is None:
            os.environ.pop("RAY_TMPDIR", None)
        else:
            os.environ["RAY_TMPDIR"] = previous
        shutil.rmtree(folder, ignore_errors=True)


def ray_corpus(target: Path) -> Path:
    """The bundled report, a second document, and a file every build skips (read by the actors in walk order)."""
    corpus = copy_corpus(target)
    (corpus / "补充说明.md").write_text("# 补充说明\n\n石景山区二〇一九年新建人工智能场馆三座，海淀区新增算力中心两处。\n",
                                        encoding="utf-8")
    (corpus / "空白.txt").write_bytes(b"")
    return corpus


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in state


def cluster_pids(ray_tmpdir: Path) -> list[int]:
    """The raylet's and GCS server's PIDs of every session under a Ray temp folder (from their logs' first line).
    A log not written yet names no PID: a starting node creates its session folder before the raylet's log, and
    the test's readiness wait polls this while the node starts (CI once read in between)."""
    logs = [session / "logs" / log for session in (ray_tmpdir / "ray").glob("session_2*")
            for log in ("raylet.out", "gcs_server.out")]
    return [int(pid) for log in logs if log.is_file()
            for pid in _LOG_PID.findall(log.read_text(encoding="utf-8", errors="replace"))[:1]]


def assert_same_index(local: Path, ray: Path) -> None:
    """Two build folders hold the same index: same files byte for byte where bytes are stable, the same manifest,
    BM25 scores and term statistics, vectors within float rounding."""
    for name in SAME_BYTES:
        assert (local / name).read_bytes() == (ray / name).read_bytes(), name
    one, other = read_manifest(local), read_manifest(ray)
    assert {k: v for k, v in vars(one).items() if k not in NOT_COMPARED} == \
        {k: v for k, v in vars(other).items() if k not in NOT_COMPARED}
    assert one.files.keys() == other.files.keys()
    assert {k: v for k, v in one.files.items() if k in SAME_BYTES} == {k: v for k, v in other.files.items()
                                                                        if k in SAME_BYTES}
    bm25_local, bm25_ray = LexicalIndex.load(local / BM25_DIR), LexicalIndex.load(ray / BM25_DIR)
    assert json.loads((local / BM25_DIR / "term_stats.json").read_text(encoding="utf-8")) == \
        json.loads((ray / BM25_DIR / "term_stats.json").read_text(encoding="utf-8"))
    for term in bm25_local.vocabulary():
        assert np.array_equal(bm25_local.scores([term]), bm25_ray.scores([term])), term
    dense_local, dense_ray = faiss.read_index(str(local / DENSE)), faiss.read_index(str(ray / DENSE))
    vectors_local, vectors_ray = dense_local.reconstruct_n(0, dense_local.ntotal), dense_ray.reconstruct_n(
        0, dense_ray.ntotal)
    assert vectors_local.shape == vectors_ray.shape and np.abs(vectors_local - vectors_ray).max() <= 1e-6
    statements_local, statements_ray = np.load(local / STATEMENTS), np.load(ray / STATEMENTS)
    assert statements_local.shape == statements_ray.shape
    assert np.abs(statements_local.astype(np.float32) - statements_ray.astype(np.float32)).max() <= 1e-3
