"""Build an index: corpus → cleaned documents and passages → BM25 tokens and dense vectors → a live build folder.

The segmenter is given the corpus's vocabulary (its `qa.toml` words and the names in its tables) before any
passage is tokenised; the vocabulary is stored with the build so questions are cut the same way.
"""

from __future__ import annotations

import hashlib
import sys
import time

import numpy as np
from tqdm import tqdm

from qa.config import Settings
from qa.index.dense import DenseIndex
from qa.index.embedders import Embedder, EmbedderChoice
from qa.index.fingerprint import code_fingerprint, corpus_hash
from qa.index.lexical import LexicalIndex
from qa.index.store import (BM25_DIR, DENSE, FORMAT_VERSION, STATEMENTS, Contents, Manifest, build_lock,
                            checksums, new_build_folder, recorded_manifest, write_contents, write_manifest)
from qa.ingest.passages import build_passages
from qa.ingest.profile import CorpusProfile, read_profile
from qa.ingest.read import read_corpus
from qa.ingest.source import ReadOptions
from qa.ingest.table import entity_names, row_entity
from qa.segment.tokenizer import get_segmenter
from qa.types import Passage, PassageKind

EMBED_BATCH = 16


def corpus_vocabulary(profile: CorpusProfile, passages: list[Passage]) -> tuple[str, ...]:
    """Words the segmenter must keep whole: the profile's, then every table row's name and its aliases."""
    names = [name for p in passages if p.kind is PassageKind.TABLE_ROW for name in entity_names(row_entity(p.cells))]
    return tuple(dict.fromkeys([*profile.words, *(n for n in names if " " not in n)]))


def _encode(embedder: Embedder, texts: list[str], show_progress: bool, what: str = "段落") -> np.ndarray:
    """Passage vectors in batches, with a progress bar on the terminal."""
    batches = [texts[i:i + EMBED_BATCH] for i in range(0, len(texts), EMBED_BATCH)]
    parts = [embedder.embed_passages(batch)
             for batch in tqdm(batches, desc=f"编码{what}", unit="批", disable=not show_progress, file=sys.stderr)]
    return np.vstack(parts) if parts else np.zeros((0, embedder.dim), dtype=np.float32)


def build_locked(settings: Settings, choice: EmbedderChoice, show_progress: bool) -> Manifest:
    """Build into a fresh folder and make it live; the caller holds the build lock."""
    started = time.perf_counter()
    embedder = choice.embedder
    corpus = corpus_hash(settings.corpus_dir, settings.chunking)
    code = code_fingerprint()
    profile = read_profile(settings.corpus_dir)
    sources = read_corpus(settings.corpus_dir, ReadOptions(page_start=profile.page_start))
    documents, passages = build_passages(sources.documents, settings.chunking)
    vocabulary = corpus_vocabulary(profile, passages)
    segmenter = get_segmenter(vocabulary)
    name_hash = hashlib.sha256(f"{corpus}|{code}".encode("utf-8")).hexdigest()
    with new_build_folder(settings.index_dir, name_hash) as folder:
        LexicalIndex.build([segmenter.index_tokens(p.index_text) for p in passages]).save(folder / BM25_DIR)
        encode_started = time.perf_counter()
        vectors = _encode(embedder, [p.index_text for p in passages], show_progress)
        dense = DenseIndex.build(vectors)
        dense.save(folder / DENSE)
        # the answer layer compares the question with each quotable sentence (paraphrase: 扎堆 ~ 集中), so
        # sentence vectors are computed here, once, not per question
        statements = _encode(embedder, [s for p in passages for s in p.statements], show_progress, "句子")
        np.save(folder / STATEMENTS, statements.astype(np.float16))
        encode_seconds = time.perf_counter() - encode_started
        write_contents(folder, Contents(documents, passages, vocabulary))
        manifest = Manifest(
            format_version=FORMAT_VERSION, corpus_hash=corpus, code_hash=code, embedder_id=embedder.id,
            dim=embedder.dim, passages=len(passages), built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            build_seconds=round(time.perf_counter() - started, 3), encode_seconds=round(encode_seconds, 3),
            files=checksums(folder), dense_kind=dense.kind, embedder_spec=choice.spec,
            query_prompt=choice.query_prompt, passage_prompt=choice.passage_prompt,
        )
        write_manifest(folder, manifest)
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


def build_index(settings: Settings, embedder: Embedder | None = None, show_progress: bool = True) -> Manifest:
    """Build the index from the corpus and make it live (holding the build lock)."""
    choice = choose_embedder(settings, embedder)
    with build_lock(settings.index_dir):
        return build_locked(settings, choice, show_progress)
