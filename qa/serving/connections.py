"""Connection hygiene below the ASGI app: how many connections are held, how long a request's head may take,
and how often a failing `accept()` is logged.

Why (issue 21): uvicorn closes an idle keep-alive connection, but not one that never sends a request — nor one
that sends its head a byte at a time. 20,200 silent connections used up the process's 20,000 file descriptors;
every question then timed out, and asyncio logged "socket.accept() out of system resource" with a traceback
784,383 times (317 MB in 40 s). uvicorn's own `limit_concurrency` would answer 503 to everyone once silent
connections fill it, so instead, in uvicorn's h11 protocol:

- a request's head must arrive within `head_timeout_s` of the connection opening or of the previous response
  ending, else the connection is closed (slowloris and silent connections alike);
- at most `max_connections` are open; a new connection past that closes the connection that has waited longest
  for a request head (a silent or idle one, never one whose request is being answered) — so a flood of silent
  connections pushes out its own oldest ones while a real client, which sends its head at once, is served. With
  no idle connection to close, the new one is closed. The file-descriptor limit is never reached, so `accept()`
  keeps working;
- should `accept()` fail anyway, `OncePerInterval` lets one such log line through per interval, without the
  traceback, and counts the rest.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

#: Seconds a client has to send a whole request head.
HEAD_TIMEOUT_S = 10.0
#: Open connections at most (clipped to half the file-descriptor limit, see `default_max_connections`).
MAX_CONNECTIONS = 2048
#: A repeated accept() failure is logged at most once per this many seconds.
ACCEPT_LOG_INTERVAL_S = 60.0


def default_max_connections() -> int:
    """`MAX_CONNECTIONS`, or half the process's file-descriptor limit when that is lower (the rest serve the
    index files, SQLite, logs and the listening socket)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return MAX_CONNECTIONS if soft == resource.RLIM_INFINITY else max(16, min(MAX_CONNECTIONS, soft // 2))


@dataclass
class ConnectionGuard:
    """The limits, and the connections now waiting for a request head, oldest first (shared by all of them)."""

    max_connections: int = field(default_factory=default_max_connections)
    head_timeout_s: float = HEAD_TIMEOUT_S
    waiting_for_head: "OrderedDict[GuardedH11Protocol, None]" = field(default_factory=OrderedDict)
    evicted: int = 0

    def protocol(self) -> type[H11Protocol]:
        """uvicorn's h11 protocol bound to this guard (pass as `uvicorn.Config(http=...)`)."""
        guard = self

        class Guarded(GuardedH11Protocol):
            pass

        Guarded.guard = guard
        return Guarded


class GuardedH11Protocol(H11Protocol):
    """H11Protocol with a deadline for each request head and a cap on open connections (module doc)."""

    guard: ConnectionGuard

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.guard.max_connections and not self._evict_oldest_idle():
            self.transport.close()
            return
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_arrived()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:  # a request head was parsed (or the client closed)
            self._head_arrived()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._await_head()

    def _await_head(self) -> None:
        self._head_arrived()
        self._head_deadline = self.loop.call_later(self.guard.head_timeout_s, self._head_too_late)
        self.guard.waiting_for_head[self] = None

    def _head_arrived(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None
        self.guard.waiting_for_head.pop(self, None)

    def _head_too_late(self) -> None:
        self._head_deadline = None
        self.guard.waiting_for_head.pop(self, None)
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()

    def _evict_oldest_idle(self) -> bool:
        """Close the connection that has waited longest for a request head; False when none is waiting."""
        for oldest in self.guard.waiting_for_head:
            if oldest is not self:
                oldest._head_arrived()
                oldest.transport.close()
                self.guard.evicted += 1
                return True
        return False


class OncePerInterval(logging.Filter):
    """Lets one record whose message starts with `prefix` through per `interval_s`, without its traceback and
    with the number held back since; other records pass untouched."""

    def __init__(self, prefix: str, interval_s: float = ACCEPT_LOG_INTERVAL_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.prefix = prefix
        self.interval_s = interval_s
        self._clock = clock
        self._lock = threading.Lock()
        self._last: float | None = None
        self.held_back = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(self.prefix):
            return True
        now = self._clock()
        with self._lock:
            if self._last is not None and now - self._last < self.interval_s:
                self.held_back += 1
                return False
            self._last, held, self.held_back = now, self.held_back, 0
        cause = record.exc_info[1] if record.exc_info else None
        record.msg = f"{record.getMessage().splitlines()[0]}: {cause!r}"
        if held:
            record.msg += f"（此前 {held} 次同类错误未记录）"
        record.args, record.exc_info, record.exc_text = (), None, None
        return True


def quiet_accept_errors(interval_s: float = ACCEPT_LOG_INTERVAL_S) -> OncePerInterval:
    """Install `OncePerInterval` on asyncio's logger for its "socket.accept() out of system resource" errors."""
    only_once = OncePerInterval("socket.accept() out of system resource", interval_s)
    logging.getLogger("asyncio").addFilter(only_once)
    return only_once
