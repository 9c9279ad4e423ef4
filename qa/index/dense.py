"""Passage vectors in FAISS, searched by inner product over L2-normalised vectors (= cosine similarity).

Two kinds, chosen automatically by passage count (measured in `bench/bench_scale.py`, see BENCHMARKS.md):
- `flat` (IndexFlatIP): exact; its search cost grows linearly with the passages (measured 0.3 ms at 10k,
  1.1 ms at 20k, 3.2 ms at 50k, 6.6 ms at 100k, one thread). Used below `ANN_THRESHOLD` passages — the bundled
  report has a few dozen.
- `hnsw` (IndexHNSWFlat, inner-product metric): approximate graph search whose cost barely grows with size
  (0.8 ms at 50k and at 100k, recall@10 against flat 0.999 there). Used from `ANN_THRESHOLD` passages up.
The kind is recorded in the index manifest (`dense_kind`).
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

#: From this many passages on, the index is HNSW instead of flat. Measured (bench/bench_scale.py): at 10k HNSW
#: is no faster than flat (0.31 vs 0.33 ms) and loses recall (0.92); at 50k flat costs 3.2 ms against HNSW's
#: 0.8 ms at recall 0.999, and flat keeps growing linearly. Below 50k exact search stays ≤ ~3 ms and perfect.
ANN_THRESHOLD = 50_000
#: HNSW graph degree, build breadth and search breadth (recall/speed trade-off measured in bench_scale).
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 96

#: One query is searched on one thread: measured at 100k flat passages, 2 OpenMP threads took 14.6 ms per
#: query against 7.8 ms on one (thread start-up outweighs the split). Builds use every core.
SEARCH_THREADS = 1
BUILD_THREADS = faiss.omp_get_max_threads()

FLAT = "flat"
HNSW = "hnsw"
KINDS = (FLAT, HNSW)


def choose_kind(passages: int, threshold: int | None = None) -> str:
    """`hnsw` from `threshold` (default `ANN_THRESHOLD`) passages on, else `flat`."""
    return HNSW if passages >= (ANN_THRESHOLD if threshold is None else threshold) else FLAT


class DenseIndex:
    """A FAISS index of passage vectors, searched with one query vector at a time."""

    def __init__(self, index: faiss.Index) -> None:
        faiss.omp_set_num_threads(SEARCH_THREADS)
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
            faiss.omp_set_num_threads(BUILD_THREADS)
            try:
                index.add(vectors)
            finally:
                faiss.omp_set_num_threads(SEARCH_THREADS)
        return cls(index)

    @classmethod
    def load(cls, path: Path) -> "DenseIndex":
        return cls(faiss.read_index(str(path)))

    def save(self, path: Path) -> None:
        """Serialised by faiss, written by Python: when the disk is full, `faiss.write_index` raises only if it
        runs out of room mid-file — the last buffered bytes fail at close with a printed message and no error
        (measured on /dev/full), leaving a truncated file; Python's close raises."""
        data = faiss.serialize_index(self._index)
        with path.open("wb") as fh:
            fh.write(memoryview(data))

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
