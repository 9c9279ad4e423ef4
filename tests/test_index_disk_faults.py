"""`qa index` against the disk (issue 21): a full disk is one Chinese line and exit 2 with the old index and the
vector cache untouched; an unreadable file is skipped with its reason; an unreadable folder is named as such.

No tmpfs can be mounted here, so "full" is made two real ways: a child process whose file-size limit
(RLIMIT_FSIZE) is smaller than any index file (the kernel answers EFBIG, as it answers ENOSPC on a full disk),
and writes to /dev/full (the kernel's always-full device: ENOSPC) for the exact error each library raises.
Unreadable needs a user without rights: as root (CI containers) the test drops to `nobody` for the call.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import faiss
import numpy as np
import pytest

from qa.config import PROJECT_ROOT, Settings
from qa.index.build import build_index
from qa.index.dense import DenseIndex
from qa.index import store
from qa.index.store import IndexUnavailable, live_folder, no_room
from qa.ingest.read import CorpusError

from conftest import copy_corpus
from index_fakes import HashEmbedder

NOBODY = 65534


def snapshot(index_dir: Path, caches: bool = True) -> dict[str, str]:
    """SHA-256 of every file of the live build and (`caches`) of the vector caches."""
    live = live_folder(index_dir)
    assert live is not None
    files = [p for p in live.rglob("*") if p.is_file()] + (sorted(index_dir.glob("vectors-*.npz")) if caches else [])
    return {str(p.relative_to(index_dir)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_full_disk_is_one_chinese_line_exit_2_and_the_old_index_stays(tmp_path: Path) -> None:
    settings = Settings(corpus_dir=copy_corpus(tmp_path / "corpus"), index_dir=tmp_path / "index")
    build_index(settings, HashEmbedder(), show_progress=False)
    (settings.corpus_dir / "new.md").write_text("# 新报告\n\n海淀区新增企业十四家。\n", encoding="utf-8")
    before = snapshot(settings.index_dir)
    limit = 1024  # bytes per file: every index file is larger

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run([sys.executable, "-m", "qa", "index", "--corpus", str(settings.corpus_dir),
                           "--index", str(settings.index_dir)], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=300, preexec_fn=small_files, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    lines = [line for line in done.stderr.splitlines() if line.startswith("错误：")]
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and len(lines) == 1
    assert ("磁盘" in lines[0] or "文件超过系统允许的大小" in lines[0]) and "原有索引和向量缓存完好" in lines[0]
    assert snapshot(settings.index_dir) == before
    assert not list(settings.index_dir.glob("tmp-*")) and len(list(settings.index_dir.glob("build-*"))) == 1


def test_each_library_s_no_space_error_is_recognised() -> None:
    index = faiss.IndexFlatIP(8)
    index.add(np.ones((4096, 8), dtype=np.float32))  # 128 KB: faiss runs out of room mid-file
    small = DenseIndex.build(np.ones((4, 8), dtype=np.float32))  # all of it would fail only at close
    raised: list[BaseException] = []
    for write in (lambda: faiss.write_index(index, "/dev/full"),
                  lambda: small.save(Path("/dev/full")),
                  lambda: Path("/dev/full").write_text("满" * 100_000, encoding="utf-8")):
        with pytest.raises((OSError, RuntimeError)) as caught:
            write()
        raised.append(caught.value)
    assert [no_room(exc) for exc in raised] == ["磁盘空间不足"] * 3
    assert no_room(RuntimeError("CUDA error")) is None and no_room(FileNotFoundError(2, "x")) is None


def test_build_that_fills_the_disk_is_not_made_live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """numpy raises nothing when its last bytes do not fit (np.save to /dev/full returns normally), so a build
    after which the disk is full is refused whatever its files look like."""
    settings = Settings(corpus_dir=copy_corpus(tmp_path / "corpus"), index_dir=tmp_path / "index")
    build_index(settings, HashEmbedder(), show_progress=False)
    before = snapshot(settings.index_dir, caches=False)
    (settings.corpus_dir / "new.md").write_text("# 新报告\n\n海淀区新增企业十四家。\n", encoding="utf-8")
    monkeypatch.setattr(store.shutil, "disk_usage", lambda _: shutil._ntuple_diskusage(10**9, 10**9, 0))
    with pytest.raises(IndexUnavailable, match="磁盘空间不足.*原有索引和向量缓存完好"):
        build_index(settings, HashEmbedder(), show_progress=False)
    assert snapshot(settings.index_dir, caches=False) == before and not list(settings.index_dir.glob("tmp-*"))
    for cache in settings.index_dir.glob("vectors-*.npz"):  # rewritten whole (Python's zipfile raises), so usable
        with np.load(cache) as vectors:
            assert len(vectors["keys"]) == len(vectors["vectors"]) > 0


@contextmanager
def without_rights() -> Iterator[None]:
    """Run the block as a user to whom chmod 000 means something (root reads everything)."""
    if os.geteuid() != 0:
        yield
        return
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)


@pytest.fixture()
def open_settings() -> Iterator[Settings]:
    """A corpus and index folder `nobody` may use (pytest's tmp_path is private to root)."""
    base = Path(tempfile.mkdtemp(prefix="qa-rights-"))
    base.chmod(0o777)
    corpus = copy_corpus(base / "corpus")
    (base / "index").mkdir()
    (base / "index").chmod(0o777)
    yield Settings(corpus_dir=corpus, index_dir=base / "index")
    for path in base.rglob("*"):
        path.chmod(0o777) if path.is_dir() else None
    shutil.rmtree(base)


def test_unreadable_file_is_skipped_with_its_reason(open_settings: Settings) -> None:
    secret = open_settings.corpus_dir / "secret.txt"
    secret.write_text("机密报告。" * 20, encoding="utf-8")
    secret.chmod(0)
    with without_rights():
        manifest = build_index(open_settings, HashEmbedder(), show_progress=False)
    assert "跳过 secret.txt：无法读取（没有读取权限）" in manifest.skipped
    assert manifest.documents >= 1 and manifest.passages > 0


def test_unreadable_subfolder_is_named_as_a_folder(open_settings: Settings) -> None:
    private = open_settings.corpus_dir / "private"
    private.mkdir()
    (private / "a.md").write_text("# 甲\n\n内部文字。\n", encoding="utf-8")
    private.chmod(0)
    with without_rights():
        manifest = build_index(open_settings, HashEmbedder(), show_progress=False)
    assert "跳过 private/：文件夹无法读取（没有读取权限），其中的文件未索引" in manifest.skipped
    assert manifest.passages > 0


def test_unreadable_corpus_folder_is_named_not_blamed_on_qa_toml(open_settings: Settings) -> None:
    open_settings.corpus_dir.chmod(0)
    with without_rights(), pytest.raises(CorpusError) as refused:
        build_index(open_settings, HashEmbedder(), show_progress=False)
    assert "语料目录无法读取（没有读取权限）" in str(refused.value) and "qa.toml" not in str(refused.value)
