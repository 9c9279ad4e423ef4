"""Hybrid retrieval: BM25 and dense rankings fused by weighted reciprocal rank (RRF), behind one interface.

RRF was chosen by measurement (README, "How the numbers were chosen"): BM25 scores and cosine
similarities live on unrelated scales, and rank fusion needs no calibration per corpus or per model.

Where the two rankings are made is the `Retriever`'s business: in this process (bm25s + FAISS, the embedded
default, `EmbeddedRetriever`) or in Milvus, which fuses them itself (`qa.retrieve.milvus`). Both return passage
positions with fused scores, best first, ties broken by position — so both paths hand the answer layer the same
hits for the same rankings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from qa.config import RetrievalSettings
from qa.index.dense import DenseIndex
from qa.index.lexical import LexicalIndex
from qa.index.loader import LoadedIndex
from qa.types import Hit
from qa.understand.constraints import YEAR

#: (passage position, fused score), best first
Ranked = list[tuple[int, float]]


class Retriever(Protocol):
    """Ranks the passages of one loaded build for a question's tokens and vector."""

    def ranked(self, tokens: list[str], query_vector: np.ndarray, n: int, settings: RetrievalSettings) -> Ranked: ...

    def writing(self, figure: str, tokens: list[str]) -> int | None:
        """Of the passages that write the token `figure`, the one BM25 scores highest for the question's tokens."""
        ...


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

    def writing(self, figure: str, tokens: list[str]) -> int | None:
        holding = np.flatnonzero(self.lexical.scores([figure]) > 0)
        return int(holding[np.argmax(self.lexical.scores(tokens)[holding])]) if holding.size else None


def retriever_for(index: LoadedIndex) -> Retriever:
    """The retriever of the loaded build: Milvus when it was built there, else the embedded one."""
    if index.milvus is not None:
        from qa.retrieve.milvus import MilvusRetriever  # pymilvus only when asked for

        return MilvusRetriever(index.milvus, index.lexical)
    assert index.dense is not None
    return EmbeddedRetriever(index.lexical, index.dense)


#: A number of two or more digits that is no year: a figure the question quotes ("北京那1084家AI相关企业里…"). A
#: one-digit number is written in most statements and points at none.
_QUOTED_FIGURE = re.compile(r"\d{2,}(?:\.\d+)?")


def _with_quoted_figures(retriever: Retriever, tokens: list[str], ranked: Ranked) -> Ranked:
    """The ranking with, for each figure the question quotes, the passage that writes it (of several, the best
    by BM25 for the whole question: `Retriever.writing`) when fusion left it out: the figure pins the statement the
    question is about, though its other words may rank it low ("北京那1084家AI相关企业里，没拿到过融资的…": lexical
    first, dense below 30, not among the 8 fused). Added last, with the lowest fused score."""
    figures = [t for t in dict.fromkeys(tokens) if _QUOTED_FIGURE.fullmatch(t) and not YEAR.fullmatch(t)]
    held, lowest = {pos for pos, _ in ranked}, ranked[-1][1] if ranked else 0.0
    for figure in figures:
        if (best := retriever.writing(figure, tokens)) is not None and best not in held:
            ranked.append((best, lowest))
            held.add(best)
    return ranked


@dataclass(frozen=True)
class Retrieval:
    """The ranked passages, and the question's vector (the answer layer compares it with sentence vectors)."""

    hits: list[Hit]
    query_vector: np.ndarray


def retrieve(index: LoadedIndex, question: str, n: int, settings: RetrievalSettings) -> Retrieval:
    """The `n` best passages for a question, by fused lexical + dense rank."""
    query_vector = index.embedder.embed_queries([question[:settings.max_encoded_chars]])[0]
    tokens, retriever = index.segmenter.index_tokens(question), retriever_for(index)
    ranked = _with_quoted_figures(retriever, tokens, retriever.ranked(tokens, query_vector, n, settings))
    if index.rows is None:
        return Retrieval([Hit(index.passages[pos], score) for pos, score in ranked], query_vector)
    passages = index.rows.at([pos for pos, _ in ranked])  # from the engine, with their neighbours
    return Retrieval([Hit(p, score) for p, (_, score) in zip(passages, ranked) if p is not None], query_vector)


def with_passages_for(index: LoadedIndex, found: Retrieval, texts: tuple[str, ...], n: int,
                      settings: RetrievalSettings) -> Retrieval:
    """The retrieval with, for each text, its `n` best passages the question's ranking left out, added last with
    its lowest score: a statement an operand needs that the question's other words rank low."""
    hits, held = list(found.hits), {hit.passage.id for hit in found.hits}
    lowest = hits[-1].score if hits else 0.0
    for text in texts:
        for hit in retrieve(index, text, n, settings).hits:
            if hit.passage.id not in held:
                hits.append(Hit(hit.passage, lowest))
                held.add(hit.passage.id)
    return Retrieval(hits, found.query_vector)
