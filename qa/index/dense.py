"""Passage vectors in FAISS, searched by inner product over L2-normalised vectors (= cosine similarity).

Two kinds, chosen automatically by passage count (measured in `bench/bench_scale.py`, see BENCHMARKS.md):
- `flat` (IndexFlatIP): exact; its search cost grows linearly with the passages (~0.6 ms at 10k, ~7 ms at 100k
  on 2 cores). Used below `ANN_THRESHOLD` passages — the bundled report has a few dozen.
- `hnsw` (IndexHNSWFlat, inner-product metric): approximate graph search whose cost barely grows with size
  (recall@10 against flat ≥ 0.97 with the parameters below). Used from `ANN_THRESHOLD` passages up.
The kind is recorded in the index manifest (`dense_kind`).
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

#: From this many passages on, the index is HNSW instead of flat (measured: flat search passes ~2 ms here,
#: while HNSW stays well under 1 ms with recall@10 ≥ 0.97; below it exact search is cheap and perfect).
ANN_THRESHOLD = 20_000
#: HNSW graph degree, build breadth and search breadth (recall/speed trade-off measured in bench_scale).
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 96

FLAT = "flat"
HNSW = "hnsw"
KINDS = (FLAT, HNSW)


def choose_kind(passages: int, threshold: int = ANN_THRESHOLD) -> str:
    """`hnsw` from `threshold` passages on, else `flat`."""
    return HNSW if passages >= threshold else FLAT


class DenseIndex:
    """A FAISS index of passage vectors, searched with one query vector at a time."""

    def __init__(self, index: faiss.Index) -> None:
        self._index = index
        hnsw = _as_hnsw(index)
        if hnsw is not None:
            hnsw.hnsw.efSearch = max(int(hnsw.hnsw.efSearch), HNSW_EF_SEARCH)

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str | None = None) -> "DenseIndex":
        """Index `vectors` (rows L2-normalised); `kind` None picks flat or hnsw by passage count."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2:
            raise ValueError("vectors must be a 2-d array")
        kind = kind or choose_kind(len(vectors))
        dim = int(vectors.shape[1])
        if kind == FLAT:
            index: faiss.Index = faiss.IndexFlatIP(dim)
        elif kind == HNSW:
            index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            raise ValueError(f"unknown dense index kind {kind!r}; expected one of {KINDS}")
        if len(vectors):
            index.add(vectors)
        return cls(index)

    @classmethod
    def load(cls, path: Path) -> "DenseIndex":
        return cls(faiss.read_index(str(path)))

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @property
    def kind(self) -> str:
        return HNSW if _as_hnsw(self._index) is not None else FLAT

    @property
    def dim(self) -> int:
        return int(self._index.d)

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(passage positions, cosine scores) of the `k` nearest passages, best first."""
        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores, ids = self._index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]


def _as_hnsw(index: faiss.Index) -> faiss.IndexHNSW | None:
    return index if isinstance(index, faiss.IndexHNSW) else None
