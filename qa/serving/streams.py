"""How many long-lived requests (event streams) one client address may hold open at once.

Why (issue 21): Gradio's `/gradio_api/heartbeat/<session>` stream stays open as long as a chat page is open — that
is its job (the session's state is dropped when it closes), so it cannot be cut after a time. But nothing bounded
how many one address opened, and an open request is never an idle connection the connection guard
(`qa.serving.connections`) may close to make room: one client could hold every connection slot with
heartbeats. A person has a few chat tabs open; more than `MAX_STREAMS_PER_CLIENT` from one address get 429.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from qa.serving.gate import RETRY_AFTER_S
from qa.serving.limits import app_path, send_error

#: Open event streams one client address may hold (chat tabs; behind a proxy, per forwarded address).
MAX_STREAMS_PER_CLIENT = 32
STREAM_PATHS = ("/gradio_api/heartbeat/",)


class StreamsPerClient:
    """ASGI middleware: at most `limit` requests under `prefixes` open at once per client address."""

    def __init__(self, app: ASGIApp, limit: int = MAX_STREAMS_PER_CLIENT,
                 prefixes: Sequence[str] = STREAM_PATHS) -> None:
        self.app = app
        self.limit = limit
        self.prefixes = tuple(prefixes)
        self.open: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not app_path(scope).startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        client = str((scope.get("client") or ("",))[0])
        if self.open[client] >= self.limit:
            await send_error(send, 429, f"同一来源打开的对话页面过多（最多 {self.limit} 个），请关闭一些页面后再试。",
                             [(b"retry-after", str(RETRY_AFTER_S).encode())])
            return
        self.open[client] += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.open[client] -= 1
            if not self.open[client]:
                del self.open[client]
