"""`qa index --ray`: a build on a local Ray cluster (started by the test: 2 CPUs, a 200 MB object store, no
dashboard, its own temp folder) writes the same index as a one-process build — same passages, documents, tags and
skipped files, the same BM25 (term statistics and every term's scores), passage and sentence vectors equal within
float rounding (bit-for-bit on this machine), the same rows in a Milvus collection — and the cluster's raylet and
GCS server are gone afterwards. A
rebuild reads what earlier builds encoded from the Parquet vector cache (started from a local build's `.npz`).
Bad addresses, and a worker that cannot load the model, are one Chinese line; a bad address writes nothing."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qa.cli import main
from qa.config import Settings
from qa.errors import UserError
from qa.index.build import Progress, build_index
from qa.index.embedders import Embedder, EmbedderChoice
from qa.index.store import live_folder, read_manifest
from qa.pipeline import Assistant

from engines import free_port, require
from ray_support import alive, assert_same_index, cluster_pids, ray_corpus, ray_temp  # noqa: F401 (a fixture)

require("ray")
from qa.index.ray_build import RayWorkers, _summary, chunk_size, ray_workers  # noqa: E402  (after the extra is there)


def _milvus_rows(settings: Settings) -> list[dict[str, object]]:
    from qa.index.milvus import connect

    manifest = read_manifest(live_folder(settings.index_dir))
    rows = connect(str(settings.milvus)).query(manifest.milvus_collection, filter="pos >= 0", limit=10_000,
                                               output_fields=["pos", "pid", "source", "page", "terms", "dense"])
    return sorted(rows, key=lambda row: row["pos"])


def _assert_same_milvus_rows(local: Settings, on_ray: Settings, tmp_path: Path, embedder: Embedder,
                             workers: RayWorkers) -> None:
    """Built into Milvus Lite from the two builds' vector caches (nothing to encode), the collections hold the same
    rows: the store is written by the same code whoever encoded."""
    require("pymilvus")
    folders = {}
    for name, settings in (("local", local), ("ray", on_ray)):
        folders[name] = replace(settings, index_dir=tmp_path / f"milvus-{name}", milvus=str(tmp_path / f"{name}.db"))
        folders[name].index_dir.mkdir()
        for cache in settings.index_dir.glob("vectors-*"):
            shutil.copy(cache, folders[name].index_dir / cache.name)
    assert build_index(folders["local"], embedder=embedder, show_progress=False).encoded == 0
    assert build_index(folders["ray"], embedder=embedder, show_progress=False, workers=workers).encoded == 0
    rows_local, rows_ray = _milvus_rows(folders["local"]), _milvus_rows(folders["ray"])
    assert len(rows_local) == read_manifest(live_folder(local.index_dir)).passages
    assert [{k: v for k, v in r.items() if k != "dense"} for r in rows_local] == \
        [{k: v for k, v in r.items() if k != "dense"} for r in rows_ray]
    assert np.abs(np.array([r["dense"] for r in rows_local]) - np.array([r["dense"] for r in rows_ray])).max() <= 1e-6


def test_chunks_are_whole_batches_and_leave_no_worker_idle() -> None:
    assert chunk_size(54, 2) == 32 and chunk_size(10, 4) == 16 and chunk_size(100_000, 2) == 256


def test_a_build_on_a_local_ray_cluster_is_the_one_process_build(assistant: Assistant, tmp_path: Path,
                                                                 ray_temp: Path) -> None:
    corpus = ray_corpus(tmp_path / "corpus")
    local = Settings(corpus_dir=corpus, index_dir=tmp_path / "local")
    on_ray = replace(local, index_dir=tmp_path / "ray")
    embedder = assistant.index.embedder
    build_index(local, embedder=embedder, show_progress=False)
    with ray_workers("local", num_cpus=2) as workers:
        built = build_index(on_ray, embedder=embedder, show_progress=False, workers=workers)
        assert workers.cpus == 2 and built.encoded == built.passages and len(built.skipped) == 1
        assert_same_index(live_folder(local.index_dir), live_folder(on_ray.index_dir))
        assert sorted(p.suffix for p in on_ray.index_dir.glob("vectors-*")) == [".parquet", ".parquet"]
        _assert_same_milvus_rows(local, on_ray, tmp_path, embedder, workers)
        # a second document arrives: its texts alone are encoded, the rest read from the Parquet cache — in the
        # local build's folder, whose table the actors start from its .npz
        (corpus / "新增.md").write_text("# 新增\n\n朝阳区二〇一九年新设人工智能基金一支。\n", encoding="utf-8")
        again = build_index(local, embedder=embedder, show_progress=False, workers=workers)
        assert 0 < again.encoded < 5 and again.passages == built.passages + again.encoded
        assert [s.encoded for s in workers.stats][-2:] == [again.encoded, 1]
        # a model folder missing on the workers' machine: one Chinese line with the worker's own error
        missing = EmbedderChoice("st:/nonexistent/bge-small-zh", given=embedder)
        with pytest.raises(UserError, match="^Ray 工作进程出错：找不到模型目录：/nonexistent/bge-small-zh$"):
            workers.encode_new(missing, tmp_path / "other", "passages", ["新的段落"], Progress(print, False))
    pids = cluster_pids(ray_temp)
    assert len(list((ray_temp / "ray").glob("session_2*"))) == 1 and len(pids) == 2, pids
    assert not [pid for pid in pids if alive(pid)]  # raylet and GCS server stopped with the cluster


def test_a_client_failure_names_its_cause() -> None:
    """Ray's client puts the server's traceback under one heading line: the heading alone said nothing (a CI run's
    "无法连接 Ray 集群 ray://…：Initialization failure from server:"); the traceback's last line names the cause."""
    report = ConnectionAbortedError("Initialization failure from server:\nTraceback (most recent call last):\n"
                                    '  File "proxier.py", line 781, in Datapath\n'
                                    "RuntimeError: Proxy failed to Connect to backend! Check `ray_client_server.err`\n")
    assert _summary(report) == ("Initialization failure from server: RuntimeError: Proxy failed to Connect to "
                                "backend! Check `ray_client_server.err`")
    assert _summary(ConnectionError("ray client connection timeout")) == "ray client connection timeout"
    assert _summary(ValueError("heading only:\n\n")) == "heading only:"
    assert _summary(RuntimeError()) == "RuntimeError"


@pytest.mark.parametrize("address, says", [
    (f"ray://127.0.0.1:{free_port()}", "无法连接 Ray 集群 ray://127.0.0.1"),
    ("127.0.0.1:6379", "无法识别的 Ray 地址"),
    ("auto", "本机没有可连接的 Ray 集群"),
])
def test_a_bad_address_is_one_chinese_line_and_writes_nothing(address: str, says: str, tmp_path: Path,
                                                              ray_temp: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("RAY_TMPDIR", str(ray_temp / "none"))  # no cluster for auto to find
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    index = tmp_path / "index"
    assert main(["index", "--index", str(index), "--ray", address]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.strip().splitlines() == [err.strip()] and says in err, err
    assert "Traceback" not in err and not index.exists()
