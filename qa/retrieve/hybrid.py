"""Hybrid retrieval: BM25 and dense rankings fused by weighted reciprocal rank (RRF).

RRF was chosen by measurement (README, "How the numbers were chosen"): BM25 scores and cosine
similarities live on unrelated scales, and rank fusion needs no calibration per corpus or per model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.config import RetrievalSettings
from qa.index.loader import LoadedIndex
from qa.types import Hit


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    """Positions of the `n` highest positive scores, best first."""
    n = min(n, int((scores > 0).sum()))
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, n - 1)[:n]
    return part[np.argsort(-scores[part], kind="stable")]


@dataclass(frozen=True)
class Retrieval:
    """The ranked passages, and the question's vector (the answer layer compares it with sentence vectors)."""

    hits: list[Hit]
    query_vector: np.ndarray


def retrieve(index: LoadedIndex, question: str, n: int, settings: RetrievalSettings) -> Retrieval:
    """The `n` best passages for a question, by fused lexical + dense rank."""
    lexical_order = _top(index.lexical.scores(index.segmenter.index_tokens(question)), settings.per_retriever)
    query_vector = index.embedder.embed_queries([question[:settings.max_encoded_chars]])[0]
    dense_order, _ = index.dense.search(query_vector, settings.per_retriever)
    fused: dict[int, float] = {}
    for weight, order in ((settings.lexical_weight, lexical_order), (settings.dense_weight, dense_order)):
        for rank, pos in enumerate(order):
            fused[int(pos)] = fused.get(int(pos), 0.0) + weight / (settings.rrf_k + rank + 1)
    ranked = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:n]
    return Retrieval([Hit(index.passages[pos], score) for pos, score in ranked], query_vector)
