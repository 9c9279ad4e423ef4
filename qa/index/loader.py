"""Open the live index for questions, (re)building it first when it is missing, stale or damaged.

Freshness is judged by the manifest: the corpus hash, the code hash, the embedder and the format version must
all match what is here now. Two processes that find the index stale at once build it once: the second waits
for the build lock, re-checks, and opens what the first built.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.config import Settings
from qa.index.build import build_locked, choose_embedder
from qa.index.dense import DenseIndex
from qa.index.embedders import Embedder
from qa.index.fingerprint import code_fingerprint, corpus_hash
from qa.index.lexical import LexicalIndex
from qa.index.milvus import MilvusBuild
from qa.index.milvus_rows import MilvusRows
from qa.index.skeleton import SKELETON, Skeleton, read_skeleton
from qa.index.store import (BM25_DIR, DENSE, FORMAT_VERSION, STATEMENTS, TAGS, IndexUnavailable, Manifest, build_lock,
                            live_folder, read_contents, read_manifest, read_tags, read_vocabulary, verify)
from qa.segment.tokenizer import Segmenter, get_segmenter
from qa.types import Document, Passage

#: How often an open retries when concurrent builds keep replacing the folder it reads.
OPEN_ATTEMPTS = 5


@dataclass
class LoadedIndex:
    """Everything retrieval needs, in memory."""

    manifest: Manifest
    documents: dict[str, Document]
    passages: list[Passage]
    #: term statistics for the answer layer; the BM25 matrix too, unless Milvus ranks the passages
    lexical: LexicalIndex
    #: None when Milvus ranks the passages (`milvus`)
    dense: DenseIndex | None
    embedder: Embedder
    segmenter: Segmenter
    #: one unit vector per quotable sentence (`Passage.statements`), passages in order (float16, memory-mapped)
    statement_vectors: np.ndarray
    #: where the engine keeps this build's passages when retrieval runs in Milvus, else None (bm25s + FAISS)
    milvus: MilvusBuild | None = None
    #: with `milvus`: the passages, sentence vectors, tags and document text, fetched from the engine as needed —
    #: then `documents`, `passages` and `statement_vectors` are empty and `skeleton` holds the corpus-wide part
    rows: MilvusRows | None = None
    skeleton: Skeleton | None = None
    #: the build folder read (None for an index made in memory)
    folder: Path | None = None

    def all_documents(self) -> list[Document]:
        """Every document of the build, read from its folder when the replica does not hold them (`--milvus`);
        for batch evaluation, not for answering."""
        if self.documents or self.folder is None:
            return list(self.documents.values())
        return read_contents(self.folder).documents


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
    if manifest.corpus_hash != corpus_hash(settings.corpus_dir, settings.chunking):
        return "语料已变化"
    if manifest.code_hash != code_fingerprint():
        return "预处理程序已更新"
    if embedder_id is not None and manifest.embedder_id != embedder_id:
        return f"索引由向量模型 {manifest.embedder_id} 建立，当前模型为 {embedder_id}"
    return _engine_problem(manifest, settings.milvus)


def _engine_problem(manifest: Manifest, milvus: str | None) -> str | None:
    """Why the build cannot be searched where this process searches (in Milvus at `milvus`, or embedded)."""
    if not milvus:
        return "索引的检索数据存放在 Milvus 中（本地没有 BM25 与向量索引）" if manifest.milvus_collection else None
    if not manifest.milvus_collection:
        return "索引尚未写入 Milvus"
    if not MilvusBuild.recorded(milvus, manifest).exists():
        return f"Milvus {milvus} 中没有这个索引（集合 {manifest.milvus_collection}）"
    return None


def _load(folder: Path, embedder: Embedder, milvus: str | None) -> LoadedIndex:
    """Read a build folder (already verified) into memory; with `milvus`, everything but what the engine ranks."""
    manifest = read_manifest(folder)
    if manifest.dim != embedder.dim or manifest.embedder_id != embedder.id:
        raise IndexUnavailable(f"索引由向量模型 {manifest.embedder_id} 建立，不能用 {embedder.id} 查询")
    if milvus:
        return _load_for_engine(folder, manifest, embedder, MilvusBuild.recorded(milvus, manifest))
    contents = read_contents(folder)
    try:
        dense = DenseIndex.load(folder / DENSE)
    except RuntimeError as exc:  # FAISS refuses a damaged file
        raise IndexUnavailable(f"索引文件损坏：{folder / DENSE}") from exc
    statements = np.load(folder / STATEMENTS, mmap_mode="r")
    sentences = [s for p in contents.passages for s in p.statements]
    try:
        tags = read_tags(folder)
    except (OSError, ValueError) as exc:
        raise IndexUnavailable(f"索引文件损坏：{folder / TAGS}") from exc
    if (dense.size != len(contents.passages) or dense.dim != manifest.dim
            or statements.shape != (len(sentences), manifest.dim) or len(tags) != len(sentences)):
        raise IndexUnavailable(f"索引文件彼此不一致：{folder}")
    segmenter = get_segmenter(contents.vocabulary)
    segmenter.remember_tags(sentences, tags)
    return LoadedIndex(manifest, {d.source: d for d in contents.documents}, contents.passages,
                       LexicalIndex.load(folder / BM25_DIR), dense, embedder, segmenter, statements, folder=folder)


def _load_for_engine(folder: Path, manifest: Manifest, embedder: Embedder, engine: MilvusBuild) -> LoadedIndex:
    """A build whose passages live in Milvus: the replica reads only the term statistics, the vocabulary and the
    skeleton; passages, sentence vectors, tags and document text come from the engine (`MilvusRows`)."""
    try:
        skeleton = read_skeleton(folder)
    except (OSError, ValueError, KeyError) as exc:
        raise IndexUnavailable(f"索引文件损坏：{folder / SKELETON}") from exc
    segmenter = get_segmenter(read_vocabulary(folder))
    segmenter.remember_tags((), ())  # tags arrive with the rows fetched (`Segmenter.add_tags`)
    engine.load()
    return LoadedIndex(manifest, {}, [], LexicalIndex.load(folder / BM25_DIR, matrix=False), None, embedder,
                       segmenter, np.zeros((0, manifest.dim), dtype=np.float16), engine,
                       engine.rows(manifest.dim, skeleton, segmenter), skeleton, folder)


def open_index(settings: Settings, rebuild: bool = True, show_progress: bool = True,
               embedder: Embedder | None = None) -> LoadedIndex:
    """Open the live index, (re)building it first when it is missing, stale, damaged or for another embedder.

    With `rebuild=False` a problem is raised as `IndexUnavailable` with a message saying what is wrong.
    """
    choice = choose_embedder(settings, embedder)
    index_dir = settings.index_dir
    for attempt in range(OPEN_ATTEMPTS):
        folder = live_folder(index_dir)
        problem = _problem_of(folder, settings, choice.embedder.id)
        if problem is not None:
            if live_folder(index_dir) != folder:
                continue  # CURRENT moved while we checked (a concurrent build finished): check the new one
            if not rebuild:
                raise IndexUnavailable(f"{problem}：请先运行 qa index")
            with build_lock(index_dir):
                # another process may have built it while we waited for the lock: then just open that
                folder = live_folder(index_dir)
                problem = _problem_of(folder, settings, choice.embedder.id)
                if problem is not None:
                    if show_progress:
                        print(f"正在建立索引（{problem}）…", file=sys.stderr)
                    build_locked(settings, choice, show_progress)
                    folder = live_folder(index_dir)
        assert folder is not None
        try:
            return _load(folder, choice.embedder, settings.milvus)
        except (OSError, IndexUnavailable):
            # a concurrent build switched CURRENT and swept this folder while we read it: look again
            if attempt == OPEN_ATTEMPTS - 1 or live_folder(index_dir) == folder:
                raise
    raise IndexUnavailable("索引在读取期间被反复替换，请稍后重试")
