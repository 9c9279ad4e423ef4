"""Hybrid retrieval: BM25 and dense rankings fused by weighted reciprocal rank (RRF), behind one interface.

RRF was chosen by measurement (README, "How the numbers were chosen"): BM25 scores and cosine
similarities live on unrelated scales, and rank fusion needs no calibration per corpus or per model.

Where the two rankings are made is the `Retriever`'s business: in this process (bm25s + FAISS, the embedded
default, `EmbeddedRetriever`) or in Milvus, which fuses them itself (`qa.retrieve.milvus`). Both return passage
positions with fused scores, best first, ties broken by position — so both paths hand the answer layer the same
hits for the same rankings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from qa.config import RetrievalSettings
from qa.index.dense import DenseIndex
from qa.index.lexical import LexicalIndex
from qa.index.loader import LoadedIndex
from qa.types import Hit

#: (passage position, fused score), best first
Ranked = list[tuple[int, float]]


class Retriever(Protocol):
    """Ranks the passages of one loaded build for a question's tokens and vector."""

    def ranked(self, tokens: list[str], query_vector: np.ndarray, n: int, settings: RetrievalSettings) -> Ranked: ...


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    """Positions of the `n` highest positive scores, best first."""
    n = min(n, int((scores > 0).sum()))
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, n - 1)[:n]
    return part[np.argsort(-scores[part], kind="stable")]


def best_first(fused: dict[int, float], n: int) -> Ranked:
    """The `n` best of fused scores by position; equal scores in position order (both retrievers cut alike)."""
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:n]


@dataclass(frozen=True)
class EmbeddedRetriever:
    """bm25s and FAISS in this process, fused here."""

    lexical: LexicalIndex
    dense: DenseIndex

    def ranked(self, tokens: list[str], query_vector: np.ndarray, n: int, settings: RetrievalSettings) -> Ranked:
        lexical_order = _top(self.lexical.scores(tokens), settings.per_retriever)
        dense_order, _ = self.dense.search(query_vector, settings.per_retriever)
        fused: dict[int, float] = {}
        for weight, order in ((settings.lexical_weight, lexical_order), (settings.dense_weight, dense_order)):
            for rank, pos in enumerate(order):
                fused[int(pos)] = fused.get(int(pos), 0.0) + weight / (settings.rrf_k + rank + 1)
        return best_first(fused, n)


def retriever_for(index: LoadedIndex) -> Retriever:
    """The retriever of the loaded build: Milvus when it was built there, else the embedded one."""
    if index.milvus is not None:
        from qa.retrieve.milvus import MilvusRetriever  # pymilvus only when asked for

        return MilvusRetriever(index.milvus, index.lexical)
    assert index.dense is not None
    return EmbeddedRetriever(index.lexical, index.dense)


@dataclass(frozen=True)
class Retrieval:
    """The ranked passages, and the question's vector (the answer layer compares it with sentence vectors)."""

    hits: list[Hit]
    query_vector: np.ndarray


def retrieve(index: LoadedIndex, question: str, n: int, settings: RetrievalSettings) -> Retrieval:
    """The `n` best passages for a question, by fused lexical + dense rank."""
    query_vector = index.embedder.embed_queries([question[:settings.max_encoded_chars]])[0]
    ranked = retriever_for(index).ranked(index.segmenter.index_tokens(question), query_vector, n, settings)
    if index.rows is None:
        return Retrieval([Hit(index.passages[pos], score) for pos, score in ranked], query_vector)
    passages = index.rows.at([pos for pos, _ in ranked])  # from the engine, with their neighbours
    return Retrieval([Hit(p, score) for p, (_, score) in zip(passages, ranked) if p is not None], query_vector)
