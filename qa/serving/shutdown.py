"""Graceful shutdown with open event streams: tell every streaming response its client has gone.

Why: an open chat page holds Gradio event streams (`/gradio_api/heartbeat/…`, `/gradio_api/queue/data`) that
never end by themselves, so SIGTERM used to wait forever; with only uvicorn's `timeout_graceful_shutdown` the
streams are cancelled at the deadline and each logs a traceback. Here, once shutdown begins, every request's
`receive()` answers `http.disconnect` — the streams' own disconnect handling ends them at once and cleanly, and
uvicorn's timeout remains the backstop.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class Shutdown:
    """Set once when the server starts stopping (from uvicorn's signal handling, in the event loop's thread)."""

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None
        self.stopping = False

    def event(self) -> asyncio.Event:
        if self._event is None:
            self._event = asyncio.Event()  # created inside the running loop, on the first request
        return self._event

    def begin(self) -> None:
        """Called from uvicorn's `handle_exit`, which runs in the event loop's (main) thread."""
        self.stopping = True
        if self._event is not None:
            self._event.set()


class EndStreamsOnShutdown:
    """ASGI middleware: after `shutdown.begin()`, `receive()` reports the client gone (see module doc)."""

    def __init__(self, app: ASGIApp, shutdown: Shutdown) -> None:
        self.app = app
        self.shutdown = shutdown

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        stop = self.shutdown.event()

        async def receive_or_stop() -> Message:
            if self.shutdown.stopping:
                return {"type": "http.disconnect"}
            received = asyncio.ensure_future(receive())
            stopped = asyncio.ensure_future(stop.wait())
            done, _ = await asyncio.wait({received, stopped}, return_when=asyncio.FIRST_COMPLETED)
            if received in done:
                stopped.cancel()
                return received.result()
            received.cancel()
            return {"type": "http.disconnect"}

        await self.app(scope, receive_or_stop, send)
