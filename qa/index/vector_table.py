"""The vector cache as a Parquet table, for builds on a Ray cluster (`qa.index.ray_build`).

A local build keeps its cache in one `.npz` that the building process loads whole (`qa.index.vector_cache`). On
a cluster every encoding actor looks up the texts of its own share, so the cache is a table any worker can read
in part: `vectors-<hash>.parquet` beside the `.npz` (same name, same keys: the SHA-256 of the encoded text),
sorted by key and cut into row groups whose key ranges let a filtered read skip the groups that cannot hold a
wanted key. The first build on Ray starts its table from the `.npz` of earlier local builds. Like the `.npz` it
holds the vectors of the latest build only, is replaced atomically, and a missing or damaged table is an empty
cache: it only ever saves time.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

#: Rows per row group: a lookup reads whole groups (65,536 × 384-d float32 ≈ 100 MB at most per group).
ROW_GROUP_ROWS = 65_536


def table_path(npz_path: Path) -> Path:
    """The Parquet table that holds the cache of this `.npz` file (`qa.index.vector_cache.cache_path`)."""
    return npz_path.with_suffix(".parquet")


def write_table(path: Path, keys: list[bytes], vectors: np.ndarray) -> None:
    """Replace the table with these keys and vectors (sorted by key; written beside it, then renamed over it)."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    vectors = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32)[order])
    dim = vectors.shape[1] if vectors.ndim == 2 else 0
    table = pa.table({"key": pa.array([keys[i] for i in order], type=pa.binary(32)),
                      "vector": pa.FixedSizeListArray.from_arrays(pa.array(vectors.reshape(-1)), dim)})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.stem}.{uuid.uuid4().hex}.tmp.parquet")
    try:
        pq.write_table(table, tmp, row_group_size=ROW_GROUP_ROWS, compression="zstd")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_vectors(path: Path, keys: list[bytes], dim: int) -> dict[bytes, np.ndarray]:
    """The cached vectors of `keys` that the table holds (none when it is missing, damaged or of another size)."""
    if not keys or not path.is_file():
        return {}
    try:
        table = pq.read_table(path, filters=[("key", "in", keys)])
        vectors = table.column("vector").combine_chunks()
        if vectors.type != pa.list_(pa.float32(), dim):
            return {}
        values = vectors.flatten().to_numpy().reshape(len(table), dim)
    except (OSError, ValueError, pa.ArrowException):
        return {}
    return {bytes(k): values[i] for i, k in enumerate(table.column("key").to_pylist())}
