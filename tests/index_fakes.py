"""A fast, deterministic stand-in embedder for index fault tests (real builds would spend seconds encoding)."""

from __future__ import annotations

import hashlib
import time
from typing import Sequence

import numpy as np


class HashEmbedder:
    """Vectors from a hash of the text: same text → same unit vector; `delay` seconds per passage batch."""

    dim = 384

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.id = "test:hash"

    def _vectors(self, texts: Sequence[str]) -> np.ndarray:
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()[:8], "little")
            rows.append(np.random.default_rng(seed).standard_normal(self.dim))
        vectors = np.asarray(rows, dtype=np.float32).reshape(len(rows), self.dim)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._vectors(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if self.delay:
            time.sleep(self.delay)
        return self._vectors(texts)
