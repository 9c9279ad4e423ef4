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

A share of the queue still let the flooding client's questions hold every answer thread: an ordinary question
arriving then waited for a 496-character question to finish (measured: p95 ×3.5 its idle p95 beside 128 looping
connections). So a client that was refused its share within the last `FLOOD_MEMORY_S` — one that floods — may
occupy at most `workers - 1` answer threads; one thread stays free for everyone else, and waits idle for them
when the flooder is the only one waiting. Not every client is capped: a script from one address asking a few
questions at once (8 clients, `bench/throughput.py`) keeps both cores; only a client that hit its share is
slowed, and only itself. Its own waits are self-inflicted, so they do not count as starvation in `backlog()`.
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
#: A client refused its share this recently is flooding: it may occupy at most `workers - 1` answer threads.
FLOOD_MEMORY_S = 10.0


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
    client: Hashable
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
        #: answer threads a flooding client may occupy at once (one stays free for the others; all when only one)
        self.max_running_flooding = max(1, self.workers - 1)
        self.max_wait_s = max_wait_s
        self._clock = clock
        self._ready = threading.Condition()
        #: one line per client with waiting calls; dict order is the turn order (served → moved to the end)
        self._lines: dict[Hashable, deque[_Job]] = {}
        self._waiting = 0
        self._running = 0
        #: answer threads each client occupies now
        self._running_by: dict[Hashable, int] = {}
        #: when each client was last refused its share (entries older than FLOOD_MEMORY_S are dropped)
        self._refused_at: dict[Hashable, float] = {}
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
                self._remember_refusal(client)
                raise ClientOverShare(f"您的问题排队过多（每个来源最多同时等待 {self.max_per_client} 个），"
                                      f"请等前面的回答返回后再问，约 {RETRY_AFTER_S} 秒后重试。")
            job = _Job(lambda: fn(*args), self._clock(), client)
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
        """(waiting, running, seconds the oldest waiting question of a client that is not flooding has waited)."""
        with self._ready:
            oldest = min((line[0].queued_at for client, line in self._lines.items() if not self._flooding(client)),
                         default=None)
            return self._waiting, self._running, 0.0 if oldest is None else self._clock() - oldest

    def _remember_refusal(self, client: Hashable) -> None:
        """Mark `client` as flooding from now on, forgetting the clients whose last refusal has expired."""
        now = self._clock()
        for stale in [c for c, at in self._refused_at.items() if now - at >= FLOOD_MEMORY_S]:
            del self._refused_at[stale]
        self._refused_at[client] = now

    def _flooding(self, client: Hashable) -> bool:
        at = self._refused_at.get(client)
        return at is not None and self._clock() - at < FLOOD_MEMORY_S

    def _may_run(self, client: Hashable) -> bool:
        """Whether `client` may take another answer thread now (a flooding one: not its last free one)."""
        return self._running_by.get(client, 0) < self.max_running_flooding or not self._flooding(client)

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
        """The first waiting call of the first client in turn that may take a thread (None once closed); that
        client goes last. With none that may, wait: a call ending or a new one arriving changes that."""
        with self._ready:
            while not self._closed:
                for client in self._lines:
                    if self._may_run(client):
                        return self._take(client)
                self._ready.wait()
            return None

    def _take(self, client: Hashable) -> _Job:
        """Pop `client`'s first waiting call, count it as running and send that client to the end of the turns."""
        line = self._lines.pop(client)
        job = line.popleft()
        if line:
            self._lines[client] = line
        self._waiting -= 1
        self._running += 1
        self._running_by[client] = self._running_by.get(client, 0) + 1
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
                    left = self._running_by[job.client] - 1
                    if left:
                        self._running_by[job.client] = left
                    else:
                        del self._running_by[job.client]
                    self._ready.notify_all()  # a flooding client's waiting call may run now
