"""A fair gate in front of the answer threads: first come, first served, a bounded wait, and a visible backlog.

Why: one global lock made 8 clients slower than one (both cores could not be used) and let a slow question
hold everyone up with `/healthz` still green. Now questions run on `workers` threads (one per core: the query
encoder, FAISS and BM25 release the GIL; `qa.threads` keeps each call on one thread), in arrival order. Every
question's own work is bounded (`qa.pipeline`), so FIFO order is fair: a slow question can delay the ones
behind it by its bounded cost, never starve them. The backlog is capped (a full queue answers "busy" at once
instead of letting waits grow without limit), a question that waited longer than `max_wait_s` is dropped
before it runs (its caller has given up), and the age of the oldest waiting question is what `/healthz`
reports as starvation.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, TypeVar

from qa.errors import UserError

T = TypeVar("T")

#: Questions allowed to wait at once; beyond this the server answers "busy" (HTTP 503) immediately.
MAX_WAITING = 64
#: A question that waited this long is dropped unanswered (HTTP clients time out around here anyway).
MAX_WAIT_S = 20.0


class ServerBusy(UserError):
    """Too many questions are waiting; the message asks the user to retry shortly."""


class AskGate:
    """Runs calls on `workers` threads in arrival order, with a bounded queue and a measurable backlog."""

    def __init__(self, workers: int | None = None, max_waiting: int = MAX_WAITING, max_wait_s: float = MAX_WAIT_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.max_waiting = max_waiting
        self.max_wait_s = max_wait_s
        self._clock = clock
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="qa-ask")
        self._lock = threading.Lock()
        self._waiting: dict[int, float] = {}  # ticket → time queued, in arrival order
        self._running = 0
        self._tickets = itertools.count()

    def submit(self, fn: Callable[..., T], *args: object) -> Future[T]:
        """Queue `fn(*args)`; raises ServerBusy at once when the queue is full."""
        with self._lock:
            if len(self._waiting) >= self.max_waiting:
                raise ServerBusy("服务器正忙，请稍后再试。")
            ticket = next(self._tickets)
            self._waiting[ticket] = self._clock()

        def run() -> T:
            with self._lock:
                queued_at = self._waiting.pop(ticket)
                self._running += 1
            try:
                if self._clock() - queued_at > self.max_wait_s:
                    raise ServerBusy("服务器正忙，问题等待过久，请稍后再试。")
                return fn(*args)
            finally:
                with self._lock:
                    self._running -= 1

        return self._pool.submit(run)

    def call(self, fn: Callable[..., T], *args: object) -> T:
        """Run through the gate and wait for the result (for synchronous callers such as Gradio handlers)."""
        return self.submit(fn, *args).result()

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """Run through the gate without blocking the event loop."""
        return await asyncio.wrap_future(self.submit(fn, *args))

    def backlog(self) -> tuple[int, int, float]:
        """(waiting, running, seconds the oldest waiting question has waited)."""
        with self._lock:
            oldest = next(iter(self._waiting.values()), None)
            return len(self._waiting), self._running, 0.0 if oldest is None else self._clock() - oldest

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
