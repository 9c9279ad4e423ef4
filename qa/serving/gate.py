"""A fair gate in front of the answer threads: clients take turns, a bounded wait, and a visible backlog.

Why: one global lock made 8 clients slower than one (both cores could not be used) and let a slow question
hold everyone up with `/healthz` still green. Now questions run on `workers` threads (one per core: the query
encoder, FAISS and BM25 release the GIL; `qa.threads` keeps each call on one thread), and every question's own
work is bounded (`qa.pipeline`). Who goes next is fair between clients, not only between questions: each client
(the caller's address) has its own first-come-first-served line, and the answer threads serve the lines in
turn. So a script firing 8 questions at once gets one answer thread's turn like everybody else, and a person
asking one question waits for the questions already running, not for the script's whole backlog (measured in
`bench/fairness.py`). The backlog is capped (a full queue answers "busy" at once instead of letting waits grow
without limit), a question that waited longer than `max_wait_s` is dropped before it runs (its caller has given
up), and the age of the oldest waiting question is what `/healthz` reports as starvation.

Turns alone do not stop one client from filling that capped queue: an attack run with 70 keep-alive connections
from one address kept all 64 places, and every other client got "busy" (issue 21). So each client may hold at
most `client_share` of the queue; over that, only that client is refused ("too many requests", HTTP 429) while
the places left stay open to everyone else.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, TypeVar

from qa.errors import UserError

T = TypeVar("T")

#: Questions allowed to wait at once; beyond this the server answers "busy" (HTTP 503) immediately.
MAX_WAITING = 64
#: A question that waited this long is dropped unanswered (HTTP clients time out around here anyway).
MAX_WAIT_S = 20.0
#: Share of the waiting queue one client address may hold (64 × 1/8 = 8 questions); more → `ClientOverShare`.
CLIENT_SHARE = 1 / 8
#: Seconds a refused caller is asked to wait before retrying (`Retry-After`).
RETRY_AFTER_S = 1


class ServerBusy(UserError):
    """Too many questions are waiting; the message asks the user to retry shortly."""


class ClientOverShare(ServerBusy):
    """This client already holds its share of the waiting queue; others are still served (HTTP 429)."""


def client_address(request: object) -> str:
    """The line a request waits in: its client's address (a Starlette request or Gradio's wrapper of one; behind a
    trusted proxy uvicorn has already put `X-Forwarded-For` there). "" when it has none."""
    client = getattr(request, "client", None)
    return str(getattr(client, "host", "") or "")


@dataclass
class _Job:
    call: Callable[[], Any]
    queued_at: float
    future: Future = field(default_factory=Future)


class AskGate:
    """Runs calls on `workers` threads, clients in turn and each client's calls in arrival order, with a bounded
    queue and a measurable backlog."""

    def __init__(self, workers: int | None = None, max_waiting: int = MAX_WAITING, max_wait_s: float = MAX_WAIT_S,
                 clock: Callable[[], float] = time.monotonic, client_share: float = CLIENT_SHARE) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.max_waiting = max_waiting
        #: questions one client may have waiting at once (at least one)
        self.max_per_client = max(1, int(max_waiting * client_share))
        self.max_wait_s = max_wait_s
        self._clock = clock
        self._ready = threading.Condition()
        #: one line per client with waiting calls; dict order is the turn order (served → moved to the end)
        self._lines: dict[Hashable, deque[_Job]] = {}
        self._waiting = 0
        self._running = 0
        self._closed = False
        for n in range(self.workers):
            threading.Thread(target=self._serve, name=f"qa-ask-{n}", daemon=True).start()

    def submit(self, fn: Callable[..., T], *args: object, client: Hashable = "") -> Future[T]:
        """Queue `fn(*args)` in `client`'s line; raises ServerBusy at once when the queue is full, ClientOverShare
        when that client's line already holds its share of the queue."""
        with self._ready:
            if self._waiting >= self.max_waiting:
                raise ServerBusy("服务器正忙，请稍后再试。")
            if len(self._lines.get(client, ())) >= self.max_per_client:
                raise ClientOverShare(f"您的问题排队过多（每个来源最多同时等待 {self.max_per_client} 个），"
                                      f"请等前面的回答返回后再问，约 {RETRY_AFTER_S} 秒后重试。")
            job = _Job(lambda: fn(*args), self._clock())
            self._lines.setdefault(client, deque()).append(job)
            self._waiting += 1
            self._ready.notify()
        return job.future

    def call(self, fn: Callable[..., T], *args: object, client: Hashable = "") -> T:
        """Run through the gate and wait for the result (for synchronous callers such as Gradio handlers)."""
        return self.submit(fn, *args, client=client).result()

    async def run(self, fn: Callable[..., T], *args: object, client: Hashable = "") -> T:
        """Run through the gate without blocking the event loop."""
        return await asyncio.wrap_future(self.submit(fn, *args, client=client))

    def backlog(self) -> tuple[int, int, float]:
        """(waiting, running, seconds the oldest waiting question has waited)."""
        with self._ready:
            oldest = min((line[0].queued_at for line in self._lines.values()), default=None)
            return self._waiting, self._running, 0.0 if oldest is None else self._clock() - oldest

    def close(self) -> None:
        """Stop the answer threads once their current call ends; questions still waiting are cancelled."""
        with self._ready:
            self._closed = True
            for line in self._lines.values():
                for job in line:
                    job.future.cancel()
            self._lines.clear()
            self._waiting = 0
            self._ready.notify_all()

    def _next_job(self) -> _Job | None:
        """The first waiting call of the client whose turn it is (None once closed); that client goes last."""
        with self._ready:
            while not self._lines and not self._closed:
                self._ready.wait()
            if self._closed:
                return None
            client, line = next(iter(self._lines.items()))
            job = line.popleft()
            del self._lines[client]
            if line:
                self._lines[client] = line
            self._waiting -= 1
            self._running += 1
            return job

    def _serve(self) -> None:
        while (job := self._next_job()) is not None:
            try:
                if not job.future.set_running_or_notify_cancel():
                    continue
                if self._clock() - job.queued_at > self.max_wait_s:
                    job.future.set_exception(ServerBusy("服务器正忙，问题等待过久，请稍后再试。"))
                    continue
                try:
                    job.future.set_result(job.call())
                except BaseException as exc:  # the caller gets every error, as from a thread pool
                    job.future.set_exception(exc)
            finally:
                with self._ready:
                    self._running -= 1
