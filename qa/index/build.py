"""Build an index: corpus → cleaned documents and passages → BM25 tokens and dense vectors → a live build folder.

The segmenter is given the corpus's vocabulary (its `qa.toml` words and the names in its tables) before any
passage is tokenised; the vocabulary is stored with the build so questions are cut the same way. Only passages
whose text no earlier build encoded are encoded (`vector_cache`); before that, what was read and skipped and an
estimate of the encoding time are reported, so a large corpus never runs silently for minutes.
"""

from __future__ import annotations

import hashlib
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

import numpy as np
from tqdm import tqdm

from qa.config import Settings
from qa.index.dense import DenseIndex
from qa.index.embedders import Embedder, EmbedderChoice
from qa.index.fingerprint import code_fingerprint, corpus_hash
from qa.index.lexical import LexicalIndex
from qa.index.milvus import (DENSE_KIND_PREFIX, AnswerData, MilvusBuild, check_index_type, connect, make_live,
                             write_build)
from qa.index.skeleton import skeleton_of, write_skeleton
from qa.index.store import (BM25_DIR, DENSE, FORMAT_VERSION, STATEMENTS, Contents, Manifest, build_lock,
                            checksums, new_build_folder, recorded_manifest, write_contents, write_manifest,
                            write_tags)
from qa.index.vector_cache import VectorCache, text_key
from qa.ingest.passages import build_passages
from qa.ingest.profile import CorpusProfile, read_profile
from qa.ingest.read import Entry, Skipped, read_corpus, read_entries
from qa.ingest.source import ReadOptions, SourceDocument
from qa.ingest.table import entity_names, row_entity
from qa.segment.tokenizer import CORPUS_ALIAS, encode_tags, get_segmenter
from qa.types import Passage, PassageKind

EMBED_BATCH = 16


def corpus_vocabulary(profile: CorpusProfile, passages: list[Passage]) -> tuple[str, ...]:
    """Words the segmenter must keep whole: the profile's, then every table row's name and its aliases; then the
    other names the profile gives the report's names (`CORPUS_ALIAS` entries)."""
    names = [name for p in passages if p.kind is PassageKind.TABLE_ROW for name in entity_names(row_entity(p.cells))]
    return tuple(dict.fromkeys([*profile.words, *(n for n in names if " " not in n),
                                *(f"{name}{CORPUS_ALIAS}{alias}" for name, alias in profile.aliases)]))


def encode_in_batches(embedder: Embedder, texts: list[str], show_progress: bool,
                      what: str = "段落") -> np.ndarray:
    """Passage vectors in batches of `EMBED_BATCH` (a build on Ray cuts the same batches), with a progress bar
    on the terminal."""
    batches = [texts[i:i + EMBED_BATCH] for i in range(0, len(texts), EMBED_BATCH)]
    parts = [embedder.embed_passages(batch)
             for batch in tqdm(batches, desc=f"编码{what}", unit="批", disable=not show_progress or not batches,
                               file=sys.stderr)]
    return np.vstack(parts) if parts else np.zeros((0, embedder.dim), dtype=np.float32)


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} 秒" if seconds < 90 else f"{seconds / 60:.0f} 分钟"


def _encode_new(embedder: Embedder, cache: VectorCache, texts: list[str], show_progress: bool,
                report: Callable[[str], None], what: str = "段落") -> tuple[np.ndarray, int]:
    """Vectors of `texts`: cached ones reused, the rest encoded — the first batch alone and timed, to say how
    long the others will take before they start. Returns the vectors and how many texts were encoded."""
    keys = [text_key(t) for t in texts]
    first_text = dict(zip(keys, texts))  # each distinct text once
    missing = [k for k in first_text if k not in cache.vectors]
    todo = [first_text[k] for k in missing]
    probe_started = time.perf_counter()
    first = encode_in_batches(embedder, todo[:EMBED_BATCH], False, what)
    per_text = (time.perf_counter() - probe_started) / max(1, len(todo[:EMBED_BATCH]))
    report(f"需编码 {len(todo)} 个{what}（另有 {len(texts) - len(todo)} 个已有缓存向量），"
           f"预计编码用时约 {_duration(per_text * len(todo))}")
    new = np.vstack([first, encode_in_batches(embedder, todo[EMBED_BATCH:], show_progress, what)])
    found = {**cache.vectors, **dict(zip(missing, new))}
    vectors = np.asarray([found[k] for k in keys], dtype=np.float32).reshape(len(keys), embedder.dim)
    cache.save(keys, vectors)
    return vectors, len(todo)


#: The vector caches a build keeps, and what their texts are called in its messages.
TEXT_KINDS = {"passages": "段落", "statements": "句子"}


@dataclass(frozen=True)
class Progress:
    """What a build tells the terminal: `report` prints a line (or nothing), `bars` shows progress bars."""

    report: Callable[[str], None]
    bars: bool


class BuildWorkers(Protocol):
    """Where a build reads its documents and encodes its texts: this process (`LocalWorkers`) or the actors of a
    Ray cluster (`qa.index.ray_build.RayWorkers`). Everything else — passages, BM25, the store — runs in the
    building process the same way, so both write the same index."""

    def read(self, entries: list[Entry], options: ReadOptions) -> list[SourceDocument | Skipped]: ...

    def encode_new(self, choice: EmbedderChoice, index_dir: Path, kind: str, texts: list[str],
                   progress: Progress) -> tuple[np.ndarray, int]:
        """Vectors of `texts` in order (the vector cache of `kind` in `index_dir` reused and replaced), and how
        many texts were encoded."""
        ...


class LocalWorkers:
    """Reads and encodes in this process, with the `.npz` vector cache (the default)."""

    def read(self, entries: list[Entry], options: ReadOptions) -> list[SourceDocument | Skipped]:
        return read_entries(entries, options)

    def encode_new(self, choice: EmbedderChoice, index_dir: Path, kind: str, texts: list[str],
                   progress: Progress) -> tuple[np.ndarray, int]:
        embedder = choice.embedder
        cache = VectorCache.open(index_dir, embedder.id, choice.passage_prompt, embedder.dim, kind)
        return _encode_new(embedder, cache, texts, progress.bars, progress.report, TEXT_KINDS[kind])


def build_locked(settings: Settings, choice: EmbedderChoice, show_progress: bool,
                 workers: BuildWorkers | None = None) -> Manifest:
    """Build into a fresh folder and make it live; the caller holds the build lock. `workers` read and encode
    (default: this process)."""
    started = time.perf_counter()
    if settings.milvus:
        check_index_type(settings.milvus_index)  # a wrong type is reported before minutes of encoding
        connect(settings.milvus)
    workers = workers or LocalWorkers()
    embedder = choice.embedder
    report: Callable[[str], None] = (lambda line: print(line, file=sys.stderr, flush=True)) if show_progress \
        else (lambda line: None)
    progress = Progress(report, show_progress)
    corpus = corpus_hash(settings.corpus_dir, settings.chunking)
    code = code_fingerprint()
    profile = read_profile(settings.corpus_dir)
    sources = read_corpus(settings.corpus_dir, ReadOptions(page_start=profile.page_start), workers.read)
    for skipped in sources.skipped:
        report(skipped.message())
    documents, passages = build_passages(sources.documents, settings.chunking)
    pages = sum(d.pages for d in documents)
    report(f"读取完成：文档 {len(documents)} 个，PDF 页 {pages} 页，段落 {len(passages)} 个，跳过文件 {len(sources.skipped)} 个")
    vocabulary = corpus_vocabulary(profile, passages)
    segmenter = get_segmenter(vocabulary)
    name_hash = hashlib.sha256(f"{corpus}|{code}".encode("utf-8")).hexdigest()
    token_lists = [segmenter.index_tokens(p.index_text) for p in passages]
    engine: MilvusBuild | None = None
    with new_build_folder(settings.index_dir, name_hash) as folder:
        # with Milvus the engine ranks passages: the folder keeps only the term statistics the answer layer reads
        LexicalIndex.build(token_lists).save(folder / BM25_DIR, matrix=not settings.milvus)
        encode_started = time.perf_counter()
        vectors, encoded = workers.encode_new(choice, settings.index_dir, "passages",
                                              [p.index_text for p in passages], progress)
        # the answer layer compares the question with each quotable sentence (paraphrase: 扎堆 ~ 集中), so
        # sentence vectors are computed here, once, not per question
        statements, _ = workers.encode_new(choice, settings.index_dir, "statements",
                                           [s for p in passages for s in p.statements], progress)
        statements = statements.astype(np.float16)
        np.save(folder / STATEMENTS, statements)
        encode_seconds = time.perf_counter() - encode_started
        # and their POS tags, which the answer layer reads for every candidate sentence (`Segmenter.remember_tags`)
        tags = [encode_tags(s, segmenter.tagged(s)) for p in passages for s in p.statements]
        write_tags(folder, tags)
        if settings.milvus:
            # the engine ranks the passages and returns what the answer layer reads about them; the replica loads
            # only the corpus-wide skeleton (`qa.index.skeleton`)
            engine = write_build(settings.milvus, settings.index_dir, f"{name_hash[:12]}_{uuid.uuid4().hex[:8]}",
                                 passages, token_lists, vectors, settings.milvus_index,
                                 AnswerData(statements, tags, documents))
            write_skeleton(folder, skeleton_of(passages, documents))
            dense_kind = DENSE_KIND_PREFIX + engine.index_type.lower()
        else:
            dense = DenseIndex.build(vectors)
            dense.save(folder / DENSE)
            dense_kind = dense.kind
        write_contents(folder, Contents(documents, passages, vocabulary))
        manifest = Manifest(
            format_version=FORMAT_VERSION, corpus_hash=corpus, code_hash=code, embedder_id=embedder.id,
            dim=embedder.dim, passages=len(passages), built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            build_seconds=round(time.perf_counter() - started, 3), encode_seconds=round(encode_seconds, 3),
            files=checksums(folder), dense_kind=dense_kind, embedder_spec=choice.spec,
            query_prompt=choice.query_prompt, passage_prompt=choice.passage_prompt,
            documents=len(documents), pages=pages, encoded=encoded,
            skipped=[skipped.message() for skipped in sources.skipped],
            milvus_collection=engine.collection if engine else "", milvus_alias=engine.alias if engine else "",
        )
        write_manifest(folder, manifest)
    if engine is not None:
        make_live(engine)  # after CURRENT: a replica that reloads finds the folder and the alias of one build
    return manifest


def choose_embedder(settings: Settings, embedder: Embedder | None = None) -> EmbedderChoice:
    """The embedder to build or open with. A prompt `settings` leaves unset (None) is the one the live index
    was built with, when it was built with the same embedder spec — so an index built with prompts is never
    silently rebuilt without them by a front door that did not repeat them."""
    query_prompt, passage_prompt = settings.query_prompt, settings.passage_prompt
    if query_prompt is None or passage_prompt is None:
        recorded = recorded_manifest(settings.index_dir)
        same = recorded is not None and recorded.embedder_spec == settings.embedder
        if query_prompt is None:
            query_prompt = recorded.query_prompt if same and recorded else ""
        if passage_prompt is None:
            passage_prompt = recorded.passage_prompt if same and recorded else ""
    return EmbedderChoice(settings.embedder, query_prompt, passage_prompt, embedder)


def build_index(settings: Settings, embedder: Embedder | None = None, show_progress: bool = True,
                workers: BuildWorkers | None = None) -> Manifest:
    """Build the index from the corpus and make it live (holding the build lock); `workers` read and encode
    (default: this process; `qa.index.ray_build.ray_workers` for a Ray cluster)."""
    choice = choose_embedder(settings, embedder)
    with build_lock(settings.index_dir):
        return build_locked(settings, choice, show_progress, workers)
