"""Keep the garbage collector's full scans away from the questions being answered.

Why: a server process holds ~260,000 container objects that live as long as its index (passages, jieba's
dictionary, the answer models, Gradio), and its caches fill with more as questions bring new sentences.
CPython's full (generation-2) collection walks every tracked object and lands on whichever question is running
when it triggers: measured 68-89 ms with the report's index loaded, and 35 → 118 ms growing over 2,000 CMRC
questions on the CMRC corpus even with the index frozen (`bench/worst_case.py` measures the pause). So:

- `freeze_long_lived()`: once the index is loaded (and after each hot swap) the objects alive then go to a
  permanent generation the collector never walks;
- `IdleCollector`: automatic full collections are turned off and run from a thread instead, when no question is
  running or waiting — or, under load that never pauses, every `MAX_BETWEEN_S`, so memory held by reference
  cycles stays bounded. Young collections stay automatic (≤ ~7 ms). Measured on the same 2,000 questions: slowest
  answer 156 ms with automatic full collections, 50 ms without.
"""

from __future__ import annotations

import gc
import threading
import time
from typing import Callable

#: How often the collector thread looks whether the server is idle.
IDLE_CHECK_S = 2.0
#: Under load that never pauses, a full collection still runs this often.
MAX_BETWEEN_S = 300.0
#: A generation-2 threshold no count reaches: CPython then never starts a full collection by itself.
_NEVER = 1 << 30


def freeze_long_lived() -> int:
    """Collect, then freeze every surviving object; returns how many are frozen.

    Called once the server has loaded its index, and again after a hot swap: the objects frozen with the old index
    are unfrozen first, so a cycle among them can still be freed (refcounting frees the rest when the last
    question using the old index ends). The collection itself is one full pause, once per start or swap."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


class IdleCollector:
    """Runs full garbage collections when `is_idle()` says no question would wait for one (see module doc)."""

    def __init__(self, is_idle: Callable[[], bool], interval_s: float = IDLE_CHECK_S,
                 max_between_s: float = MAX_BETWEEN_S) -> None:
        self.is_idle = is_idle
        self.interval_s = interval_s
        self.max_between_s = max_between_s
        self._stop = threading.Event()
        self._thresholds = gc.get_threshold()

    def start(self) -> "IdleCollector":
        young, middle, _ = self._thresholds
        gc.set_threshold(young, middle, _NEVER)
        threading.Thread(target=self._run, name="qa-idle-gc", daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop the thread and give CPython its automatic full collections back."""
        self._stop.set()
        gc.set_threshold(*self._thresholds)

    def _run(self) -> None:
        last = time.monotonic()
        while not self._stop.wait(self.interval_s):
            if self.is_idle() or time.monotonic() - last >= self.max_between_s:
                gc.collect()
                last = time.monotonic()
