"""A token bucket per client address: how often one client may do something cheap to ask but costly to keep.

Why: `/api/feedback` stores what it is sent, and an attack run posted 10,000 maximum-size votes in 20 s from one
address (246 MB of SQLite, issue 21). A person votes a few times a minute at most, so each address gets `burst`
votes at once and then one every `1 / rate` seconds; over that it is told when to retry (HTTP 429). Buckets of
clients that have been quiet long enough to be full again are forgotten, so the table stays small whatever
addresses arrive.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Callable, Hashable

#: Buckets kept before full (quiet) ones are dropped.
MAX_TRACKED = 10_000


class RateLimiter:
    """`burst` actions at once per key, refilled at `rate` per second."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._lock = threading.Lock()
        #: key → (tokens left, when they were counted)
        self._buckets: dict[Hashable, tuple[float, float]] = {}

    def retry_after(self, key: Hashable) -> int:
        """0 and one action taken when `key` may act now, else the whole seconds until it may."""
        now = self._clock()
        with self._lock:
            tokens, then = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - then) * self.rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return max(1, math.ceil((1.0 - tokens) / self.rate))
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > MAX_TRACKED:
                self._forget_full(now)
            return 0

    def _forget_full(self, now: float) -> None:
        full_after = self.burst / self.rate
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full_after}
