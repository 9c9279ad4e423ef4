"""Build, persist and open the index: passages + BM25 + FAISS, described by a manifest.

Safety rules, because several processes (CLI, UI, eval) share one `index/` folder:
- a build is written to a fresh `build-*` folder and only then made live by atomically replacing the
  `CURRENT` pointer file, so a killed build leaves the previous index usable;
- builds take an exclusive file lock; `open_index` re-checks freshness after getting it (two processes
  that find the index stale at once → one build, the other opens it), and a killed builder's lock is
  released by the kernel; leftover `tmp-*` folders are swept by the next build;
- build files are fsynced before the switch, and the folder holding CURRENT after it;
- the manifest stores the corpus fingerprint, embedder id, vector dimension, format version and a SHA-256
  per file: a changed corpus or another embedder means rebuild, a damaged file is detected on open.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterator

import numpy as np
from tqdm import tqdm

from qa.config import Settings
from qa.index.dense import DenseIndex
from qa.index.embedders import Embedder, make_embedder
from qa.index.lexical import LexicalIndex
from qa.ingest.clean import search_normal_form
from qa.ingest.passages import Document, Passage, SectionTree, build_passages, section_tree
from qa.ingest.read import corpus_fingerprint, read_corpus
from qa.segment.tokenizer import Segmenter, analyzer_fingerprint, get_segmenter

FORMAT_VERSION = 1
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
PASSAGES = "passages.jsonl"
DOCUMENTS = "documents.json"
BM25_DIR = "bm25"
DENSE = "dense.faiss"
LOCK = ".lock"
EMBED_BATCH = 16


class IndexUnavailable(Exception):
    """The index cannot be used as it is (missing, damaged, or built for another corpus or embedder)."""


@dataclass(frozen=True)
class Manifest:
    """What an index was built from; compared with the present corpus and embedder on every open."""

    format_version: int
    corpus_hash: str
    embedder_id: str
    dim: int
    passages: int
    built_at: str
    build_seconds: float
    encode_seconds: float
    files: dict[str, str]
    #: FAISS index kind, `flat` or `hnsw` (chosen by passage count, see `qa.index.dense.ANN_THRESHOLD`).
    dense_kind: str = "flat"


@dataclass
class LoadedIndex:
    """Everything a question needs, in memory."""

    manifest: Manifest
    documents: dict[str, Document]
    passages: list[Passage]
    lexical: LexicalIndex
    dense: DenseIndex
    embedder: Embedder
    segmenter: Segmenter

    @cached_property
    def normal_texts(self) -> list[str]:
        """Every cleaned document in search-normal form, computed once (absent-term checks scan them)."""
        return [search_normal_form(d.text) for d in self.documents.values()]

    @cached_property
    def table_rows(self) -> list[Passage]:
        """The passages that are table rows (list questions filter them by a named value)."""
        return [p for p in self.passages if p.kind == "table_row"]

    @cached_property
    def sections(self) -> SectionTree:
        """The corpus outline, computed once (outline answers look headings up in it)."""
        return section_tree(self.passages)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files_of(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): _sha256(p)
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MANIFEST}


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def live_folder(index_dir: Path) -> Path | None:
    """The folder `CURRENT` points at, if any (None when the pointer is missing, unreadable or malformed)."""
    pointer = index_dir / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return index_dir / name if name.startswith("build-") and "/" not in name else None


def _fsync_path(path: Path) -> None:
    """Flush a file or a directory entry to disk (best effort where the platform refuses directories)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_manifest(folder: Path) -> Manifest:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return Manifest(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise IndexUnavailable(f"索引清单损坏或缺失：{folder / MANIFEST}") from exc


def verify(folder: Path, manifest: Manifest) -> None:
    """Raise if a file is missing or its checksum differs from the manifest (truncated, edited, swapped)."""
    if not manifest.files or not isinstance(manifest.files, dict):
        raise IndexUnavailable(f"索引清单没有列出文件：{folder / MANIFEST}")
    for name, expected in manifest.files.items():
        path = folder / name
        try:
            ok = path.is_file() and _sha256(path) == expected
        except OSError:
            ok = False
        if not ok:
            raise IndexUnavailable(f"索引文件损坏或缺失：{path}")


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Exclusive lock over builds in this index folder (released even if the build fails)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / LOCK).open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _encode(embedder: Embedder, texts: list[str], show_progress: bool) -> np.ndarray:
    """Passage vectors in batches, with a progress bar on the terminal."""
    batches = [texts[i:i + EMBED_BATCH] for i in range(0, len(texts), EMBED_BATCH)]
    parts = [embedder.embed_passages(batch)
             for batch in tqdm(batches, desc="编码段落", unit="批", disable=not show_progress, file=sys.stderr)]
    return np.vstack(parts) if parts else np.zeros((0, embedder.dim), dtype=np.float32)


def _build_into(folder: Path, settings: Settings, embedder: Embedder, corpus_hash: str,
                show_progress: bool) -> Manifest:
    started = time.perf_counter()
    documents, passages = build_passages(read_corpus(settings.corpus_dir), settings.chunking)
    segmenter = get_segmenter()
    tokens = [segmenter.index_tokens(p.index_text) for p in passages]
    LexicalIndex.build(tokens).save(folder / BM25_DIR)
    encode_started = time.perf_counter()
    vectors = _encode(embedder, [p.index_text for p in passages], show_progress)
    encode_seconds = time.perf_counter() - encode_started
    dense = DenseIndex.build(vectors)
    dense.save(folder / DENSE)
    with (folder / PASSAGES).open("w", encoding="utf-8") as fh:
        for p in passages:
            fh.write(json.dumps(p.to_json(), ensure_ascii=False) + "\n")
    _write_json(folder / DOCUMENTS, [asdict(d) for d in documents])
    manifest = Manifest(
        format_version=FORMAT_VERSION, corpus_hash=corpus_hash, embedder_id=embedder.id, dim=embedder.dim,
        passages=len(passages), built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        build_seconds=round(time.perf_counter() - started, 3), encode_seconds=round(encode_seconds, 3),
        files=_files_of(folder), dense_kind=dense.kind,
    )
    _write_json(folder / MANIFEST, asdict(manifest))
    for path in folder.rglob("*"):
        if path.is_file():
            _fsync_path(path)
    return manifest


def _switch(index_dir: Path, folder: Path) -> None:
    """Make `folder` live by atomically replacing CURRENT, then remove older builds."""
    pointer_tmp = index_dir / f"{CURRENT}.{uuid.uuid4().hex}.tmp"
    pointer_tmp.write_text(folder.name, encoding="utf-8")
    with pointer_tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(pointer_tmp, index_dir / CURRENT)
    _fsync_path(index_dir)
    for old in index_dir.glob("build-*"):
        if old != folder and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def _build_locked(settings: Settings, embedder: Embedder, show_progress: bool) -> Manifest:
    """Build into `tmp-*`, rename it to `build-*`, switch CURRENT; the caller holds the build lock."""
    index_dir = settings.index_dir
    for stale in index_dir.glob("tmp-*"):  # left by a build that was killed: nobody else can be writing it
        shutil.rmtree(stale, ignore_errors=True)
    corpus_hash = source_fingerprint(settings)
    tmp = index_dir / f"tmp-{uuid.uuid4().hex}"
    tmp.mkdir(parents=True)
    try:
        manifest = _build_into(tmp, settings, embedder, corpus_hash, show_progress)
        final = index_dir / f"build-{corpus_hash[:12]}-{uuid.uuid4().hex[:8]}"
        os.replace(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _switch(index_dir, final)
    return manifest


def build_index(settings: Settings, embedder: Embedder | None = None, show_progress: bool = True) -> Manifest:
    """Build the index from the corpus and make it live (holding the build lock)."""
    embedder = embedder or make_embedder(settings.embedder, settings.query_prompt, settings.passage_prompt)
    with build_lock(settings.index_dir):
        return _build_locked(settings, embedder, show_progress)


def source_fingerprint(settings: Settings) -> str:
    """What the index is derived from: corpus bytes, segmenter dictionaries and passage sizes."""
    chunking = f"{settings.chunking.target_chars}/{settings.chunking.max_chars}"
    parts = f"{corpus_fingerprint(settings.corpus_dir)}|{analyzer_fingerprint()}|{chunking}"
    return hashlib.sha256(parts.encode("utf-8")).hexdigest()


def problem_with(settings: Settings, embedder_id: str | None) -> str | None:
    """Why the live index cannot serve this corpus and embedder, or None when it can."""
    return _problem_of(live_folder(settings.index_dir), settings, embedder_id)


def _problem_of(folder: Path | None, settings: Settings, embedder_id: str | None) -> str | None:
    if folder is None or not folder.is_dir():
        return "索引尚未建立"
    try:
        manifest = read_manifest(folder)
        verify(folder, manifest)
    except IndexUnavailable as exc:
        return str(exc)
    if manifest.format_version != FORMAT_VERSION:
        return f"索引格式版本 {manifest.format_version} 与程序版本 {FORMAT_VERSION} 不符"
    if manifest.corpus_hash != source_fingerprint(settings):
        return "语料或分词词典已变化"
    if embedder_id is not None and manifest.embedder_id != embedder_id:
        return f"索引由向量模型 {manifest.embedder_id} 建立，当前模型为 {embedder_id}"
    return None


def _load(folder: Path, embedder: Embedder, verified: bool = False) -> LoadedIndex:
    """Read a build folder into memory; `verified` skips the checksum pass when the caller just did it."""
    manifest = read_manifest(folder)
    if not verified:
        verify(folder, manifest)
    if manifest.dim != embedder.dim or manifest.embedder_id != embedder.id:
        raise IndexUnavailable(f"索引由向量模型 {manifest.embedder_id} 建立，不能用 {embedder.id} 查询")
    with (folder / PASSAGES).open(encoding="utf-8") as fh:
        passages = [Passage.from_json(json.loads(line)) for line in fh]
    documents = {d["source"]: Document(**d) for d in json.loads((folder / DOCUMENTS).read_text(encoding="utf-8"))}
    try:
        dense = DenseIndex.load(folder / DENSE)
    except RuntimeError as exc:  # FAISS refuses a damaged file
        raise IndexUnavailable(f"索引文件损坏：{folder / DENSE}") from exc
    if dense.size != len(passages) or dense.dim != manifest.dim:
        raise IndexUnavailable(f"索引文件彼此不一致：{folder}")
    return LoadedIndex(manifest, documents, passages, LexicalIndex.load(folder / BM25_DIR), dense, embedder,
                       get_segmenter())


def open_index(settings: Settings, rebuild: bool = True, show_progress: bool = True,
               embedder: Embedder | None = None) -> LoadedIndex:
    """Open the live index, (re)building it first when it is missing, stale, damaged or for another embedder.

    With `rebuild=False` a problem is raised as `IndexUnavailable` with a message saying what is wrong.
    """
    embedder = embedder or make_embedder(settings.embedder, settings.query_prompt, settings.passage_prompt)
    index_dir = settings.index_dir
    for attempt in range(5):
        folder = live_folder(index_dir)
        problem = _problem_of(folder, settings, embedder.id)
        if problem is not None:
            if live_folder(index_dir) != folder:
                continue  # CURRENT moved while we checked (a concurrent build finished): check the new one
            if not rebuild:
                raise IndexUnavailable(f"{problem}：请先运行 qa index")
            with build_lock(index_dir):
                # another process may have built it while we waited for the lock: then just open that
                folder = live_folder(index_dir)
                problem = _problem_of(folder, settings, embedder.id)
                if problem is not None:
                    if show_progress:
                        print(f"正在建立索引（{problem}）…", file=sys.stderr)
                    _build_locked(settings, embedder, show_progress)
                    folder = live_folder(index_dir)
        assert folder is not None
        try:
            return _load(folder, embedder, verified=True)  # checked just above, or freshly built
        except (OSError, IndexUnavailable):
            # a concurrent build switched CURRENT and swept this folder while we read it: look again
            if attempt == 4 or live_folder(index_dir) == folder:
                raise
    raise IndexUnavailable("索引在读取期间被反复替换，请稍后重试")
