"""Keep what lives as long as the index out of the garbage collector's full scans.

Why: a server process holds ~260,000 container objects that live as long as its index (passages, jieba's
dictionary, the answer models, Gradio). CPython's full (generation-2) collection walks every tracked object:
measured 89 ms with the report's index loaded — a pause that lands on whichever question is running when it
triggers, on top of that question's own bounded cost (`bench/worst_case.py` measures both). `gc.freeze()` moves
the objects alive at that moment to a permanent generation the collector never walks, so a full collection only
walks what questions created since (the bounded caches).
"""

from __future__ import annotations

import gc


def freeze_long_lived() -> int:
    """Collect, then freeze every surviving object; returns how many are frozen.

    Called once the server has loaded its index, and again after a hot swap: the objects frozen with the old index
    are unfrozen first, so a cycle among them can still be freed (refcounting frees the rest when the last
    question using the old index ends). The collection itself is one full pause, once per start or swap."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
