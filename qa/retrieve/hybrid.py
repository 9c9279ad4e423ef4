"""Hybrid retrieval: BM25 and dense rankings fused by weighted reciprocal rank (RRF).

RRF was chosen by measurement (README, "How the numbers were chosen"): BM25 scores and cosine
similarities live on unrelated scales, and rank fusion needs no calibration per corpus or per model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.config import RetrievalSettings
from qa.index.store import LoadedIndex
from qa.ingest.passages import Passage


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its fused score and the evidence of each retriever."""

    position: int
    passage: Passage
    score: float
    lexical_score: float
    dense_score: float


@dataclass(frozen=True)
class Retrieval:
    """The ranked hits for one question and the tokens BM25 searched with."""

    hits: list[Hit]
    query_tokens: list[str]


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    """Positions of the `n` highest positive scores, best first."""
    n = min(n, int((scores > 0).sum()))
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, n - 1)[:n]
    return part[np.argsort(-scores[part], kind="stable")]


def retrieve(index: LoadedIndex, question: str, k: int, settings: RetrievalSettings) -> Retrieval:
    """The `k` best passages for a question, by fused lexical + dense rank."""
    tokens = index.segmenter.index_tokens(question)
    lexical = index.lexical.scores(tokens)
    lexical_order = _top(lexical, settings.candidates)
    query_vector = index.embedder.embed_queries([question])[0]
    dense_order, dense_scores = index.dense.search(query_vector, settings.candidates)
    fused: dict[int, float] = {}
    for rank, pos in enumerate(lexical_order):
        fused[int(pos)] = fused.get(int(pos), 0.0) + settings.lexical_weight / (settings.rrf_k + rank + 1)
    dense_by_pos = {}
    for rank, (pos, score) in enumerate(zip(dense_order, dense_scores)):
        fused[int(pos)] = fused.get(int(pos), 0.0) + settings.dense_weight / (settings.rrf_k + rank + 1)
        dense_by_pos[int(pos)] = float(score)
    ranked = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]
    hits = [Hit(pos, index.passages[pos], score, float(lexical[pos]), dense_by_pos.get(pos, 0.0))
            for pos, score in ranked]
    return Retrieval(hits=hits, query_tokens=tokens)
