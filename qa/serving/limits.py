"""Limits every HTTP route obeys, in front of the JSON API and of Gradio alike (one ASGI middleware).

Why here and not per route: Gradio's own routes (`/gradio_api/queue/join`, `/gradio_api/upload`, …) read
bodies of any size and accept any content type; measured, a 15 MB queue message kept ~34 MB of RSS and
uploads were stored in /tmp and served back. So, before any route runs:

- refused paths (the chat has no file component, so uploads are refused outright) → 403;
- a request carrying both `Content-Length` and `Transfer-Encoding` → 400 and the connection closed: RFC 9112
  §6.1 says such a message may be a smuggling attempt (a proxy in front that trusts `Content-Length` would see
  a different request boundary than h11, which trusts the chunked encoding);
- a body larger than the route's cap → 413, judged from `Content-Length` and again while reading a chunked body;
- a body that is not `application/json` → 415 (a cross-site form or `text/plain` POST then needs a CORS
  preflight, which the allow-list refuses);
- the body is read here in full (it is small by now) and replayed to the route, so a client that goes away
  mid-body costs one log line instead of a traceback from deep inside a framework.
Errors are `{"error": "<Chinese message>"}` like the rest of the API.
"""

from __future__ import annotations

import json
import logging
from typing import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON_TYPE = "application/json"


async def send_error(send: Send, status: int, message: str, headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
    """A complete JSON error response, written straight to the ASGI channel, with any extra `headers`
    (`Connection: close` makes uvicorn close the connection after it)."""
    body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})


def media_type(content_type: str) -> str:
    """`application/json; charset=utf-8` → `application/json`."""
    return content_type.split(";", 1)[0].strip().lower()



def app_path(scope: Scope) -> str:
    """The request path inside the app: behind a reverse proxy (`--root-path /qa`) the prefix is taken off."""
    path = scope.get("path", "")
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root):] or "/"
    return path

class RequestLimits:
    """Body caps by path prefix, refused paths and JSON-only bodies for every HTTP route (see module doc)."""

    def __init__(self, app: ASGIApp, default_limit: int, limits: Sequence[tuple[str, int]] = (),
                 refused_paths: Sequence[str] = ()) -> None:
        self.app = app
        self.default_limit = default_limit
        self.limits = tuple(limits)
        self.refused_paths = tuple(refused_paths)

    def limit_for(self, path: str) -> int:
        return next((limit for prefix, limit in self.limits if path.startswith(prefix)), self.default_limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = app_path(scope)
        if path.startswith(self.refused_paths):
            await send_error(send, 403, "本服务不接受文件上传。")
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        limit = self.limit_for(path)
        declared = headers.get("content-length")
        if declared is not None and "transfer-encoding" in headers:
            await send_error(send, 400, "请求头不能同时含有 Content-Length 和 Transfer-Encoding。",
                             [(b"connection", b"close")])
            return
        if declared is not None:
            if not declared.strip().isdigit():
                await send_error(send, 400, "请求头 Content-Length 不正确。")
                return
            if int(declared) > limit:
                await send_error(send, 413, f"请求内容太大（上限 {max(1, limit // 1024)} KB）。")
                return
        has_body = (declared is not None and int(declared) > 0) or "transfer-encoding" in headers
        if not has_body or scope.get("method") not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        if media_type(headers.get("content-type", "")) != JSON_TYPE:
            await send_error(send, 415, "请求内容必须是 JSON（Content-Type: application/json）。")
            return
        body = await self._read(scope, receive, send, limit, path)
        if body is None:
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read(self, scope: Scope, receive: Receive, send: Send, limit: int, path: str) -> bytes | None:
        """The whole body, or None when a response was already sent (too large) or the client went away."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                client = scope.get("client") or ("?", 0)
                log.warning("客户端 %s 在请求体传完前断开：%s %s（已收到 %d 字节）",
                            client[0], scope.get("method"), path, size)
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await send_error(send, 413, f"请求内容太大（上限 {max(1, limit // 1024)} KB）。")
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)
