"""HTTP front door: `POST /api/ask`, `GET /healthz`, optional access token and a CORS allow-list.

The contract (../shared/NOTES.md): `/api/ask` takes `{"question": str, "k": int?}` and returns the object of
`qa ask --json`; bad input gets HTTP 4xx with `{"error": "<Chinese message>"}`. The Gradio chat is mounted on
the same app by `qa.web.app.build_server`, so the token middleware protects the page as well.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Sequence
from urllib.parse import parse_qs, quote, unquote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from qa.pipeline import Assistant, QuestionError, QuestionTooLong
from qa.serving.gate import RETRY_AFTER_S, ClientOverShare, ServerBusy, client_address
from qa.serving.limits import RequestLimits, app_path
from qa.serving.service import AskService

log = logging.getLogger(__name__)

#: Largest request body accepted by `/api/ask` (a question is at most a few hundred characters).
MAX_BODY_BYTES = 64 * 1024
#: Largest body of any other route (Gradio's queue messages carry the chat history, at most `qa.web.app.MAX_TURNS` turns).
MAX_PAGE_BODY_BYTES = 512 * 1024
TOKEN_COOKIE = "qa_token"
TOKEN_HEADER = "x-qa-token"
TOKEN_QUERY = "token"
#: Paths that answer without a token (load balancers and monitors probe them).
OPEN_PATHS = frozenset({"/healthz"})

_STATUS_MESSAGES = {
    400: "请求格式不正确。",
    401: "需要访问令牌。",
    403: "没有访问权限。",
    404: "没有这个地址。",
    405: "不支持这种请求方法，请用 POST 提交问题。",
    413: "请求内容太大。",
    415: "请求内容必须是 JSON。",
    422: "请求内容不正确。",
}


_REFUSED_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>需要访问令牌 · 报告问答助手</title>
<style>body{{margin:0;font:16px/1.8 system-ui,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
color:#1f2937;background:#f8fafc}}main{{max-width:560px;margin:12vh auto;padding:28px 32px;background:#fff;
border:1px solid #e2e8f0;border-radius:12px}}h1{{font-size:1.3em;margin:0 0 .4em}}p{{margin:.4em 0}}
.hint{{color:#475569;font-size:.92em}}@media (prefers-color-scheme:dark){{body{{background:#0f172a;color:#e2e8f0}}
main{{background:#1e293b;border-color:#334155}}.hint{{color:#cbd5e1}}}}</style></head>
<body><main><h1>需要访问令牌</h1><p>{message}</p>
<p class="hint">请使用管理员提供的完整链接（含 ?token=…）打开报告问答助手，或联系管理员获取令牌。</p></main></body></html>"""


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class ApiInputError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class ServerOptions:
    """What the HTTP layer needs besides the assistant."""

    token: str | None = None
    cors_origins: Sequence[str] = field(default_factory=tuple)
    max_body_bytes: int = MAX_BODY_BYTES
    #: cap of every other route's body (the chat sends its whole, bounded, history with each question)
    max_page_body_bytes: int = MAX_PAGE_BODY_BYTES
    #: path prefixes refused outright (the chat refuses Gradio's upload routes)
    refused_paths: tuple[str, ...] = ()


def _request_token(scope: Scope) -> tuple[str | None, str]:
    """(token, where) a request carries it: header `Authorization: Bearer …` / `X-QA-Token`, `?token=`, cookie."""
    headers = {k.decode("latin-1").lower(): v.decode("utf-8", "replace") for k, v in scope.get("headers", [])}
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip(), "header"
    if headers.get(TOKEN_HEADER):
        return headers[TOKEN_HEADER].strip(), "header"
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if query.get(TOKEN_QUERY):
        return query[TOKEN_QUERY][0], "query"
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == TOKEN_COOKIE:
            return unquote(value), "cookie"
    return None, ""


class TokenMiddleware:
    """Every path except `/healthz` needs the token. A page opened with `?token=…` gets it as a cookie,
    so the chat's own follow-up requests (scripts, queue, CSS) pass without repeating it."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = app_path(scope)
        if path in OPEN_PATHS or (scope["type"] == "http" and scope.get("method") == "OPTIONS"):
            await self.app(scope, receive, send)
            return
        given, where = _request_token(scope)
        if given is None or not hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8")):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            message = "需要访问令牌：请在请求头 Authorization: Bearer <令牌> 中提供，或在地址后加 ?token=<令牌>。" \
                if given is None else "访问令牌不正确。"
            if path.startswith("/api/"):
                response: Any = error(401, message)
            elif path in ("", "/"):  # a person opened the chat: a readable page, not developer text
                response = HTMLResponse(_REFUSED_PAGE.format(message=html.escape(message)), status_code=401)
            else:
                response = PlainTextResponse(message, status_code=401, media_type="text/plain; charset=utf-8")
            await response(scope, receive, send)
            return
        if where != "query" or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers_sent = False
        secure = scope.get("scheme") == "https"

        async def send_with_cookie(message: dict[str, Any]) -> None:
            nonlocal headers_sent
            if message["type"] == "http.response.start" and not headers_sent:
                headers_sent = True
                headers = list(message.get("headers", []))
                # Cross-site iframes only send SameSite=None cookies, and browsers accept those only over https.
                attrs = "SameSite=None; Secure" if secure else "SameSite=Lax"
                cookie = f"{TOKEN_COOKIE}={quote(self.token, safe='')}; Path=/; HttpOnly; {attrs}"
                headers.append((b"set-cookie", cookie.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


#: Integers in a request body longer than this are not built (Python refuses > 4,300 digits with a ValueError,
#: and building one costs quadratic time below that); they stand for "too large" and fail the range check.
MAX_INT_DIGITS = 18
TOO_LARGE = 10 ** MAX_INT_DIGITS


def bounded_int(digits: str) -> int:
    """`json.loads`'s `parse_int` for request bodies: a number too long to matter is not built (see above)."""
    return int(digits) if len(digits.lstrip("-")) <= MAX_INT_DIGITS else (-TOO_LARGE if digits.startswith("-")
                                                                         else TOO_LARGE)


def parse_ask_body(raw: bytes) -> tuple[object, object]:
    """(question, k) from a request body, or ApiInputError with a Chinese message."""
    if not raw.strip():
        raise ApiInputError(400, '请求内容为空，请提交 JSON，例如 {"question": "哪个区的人工智能企业最多？"}。')
    try:
        text = raw.decode("utf-8-sig")  # a UTF-8 byte-order mark (Windows tools add one) is not an error
    except UnicodeDecodeError:
        raise ApiInputError(400, "请求内容必须是 UTF-8 编码的 JSON。") from None
    try:
        data = json.loads(text, parse_int=bounded_int)
    except (ValueError, RecursionError):
        raise ApiInputError(400, '请求内容不是有效的 JSON，例如 {"question": "哪个区的人工智能企业最多？"}。') from None
    if not isinstance(data, dict):
        raise ApiInputError(400, '请求内容必须是 JSON 对象，例如 {"question": "哪个区的人工智能企业最多？"}。')
    if "question" not in data:
        raise ApiInputError(400, '缺少 "question" 字段。')
    return data["question"], data.get("k")


def create_api(assistant: Assistant | AskService, options: ServerOptions | None = None) -> FastAPI:
    """The FastAPI app with `/api/ask` and `/healthz`; mount the chat on it afterwards."""
    options = options or ServerOptions()
    asker = assistant if isinstance(assistant, AskService) else AskService(assistant)
    app = FastAPI(title="报告问答助手", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.assistant = asker
    app.state.options = options

    @app.exception_handler(ApiInputError)
    async def _input_error(_: Request, exc: ApiInputError) -> JSONResponse:
        return error(exc.status, str(exc))

    @app.exception_handler(QuestionError)
    async def _question_error(_: Request, exc: QuestionError) -> JSONResponse:
        return error(413 if isinstance(exc, QuestionTooLong) else 400, str(exc))

    @app.exception_handler(ServerBusy)
    async def _busy(_: Request, exc: ServerBusy) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=503, headers={"Retry-After": str(RETRY_AFTER_S)})

    @app.exception_handler(ClientOverShare)
    async def _over_share(_: Request, exc: ClientOverShare) -> JSONResponse:
        # sent after the Retry-After it names: a client that ignores it cannot turn refusals into a busy loop
        # (measured, bench/attack.py: 128 looping connections drew ~550 immediate 429s/s, CPU the answers lacked)
        await asyncio.sleep(RETRY_AFTER_S)
        return JSONResponse({"error": str(exc)}, status_code=429, headers={"Retry-After": str(RETRY_AFTER_S)})

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error(exc.status_code, _STATUS_MESSAGES.get(exc.status_code, "请求无法处理。"))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:  # pragma: no cover - a bug, logged
        log.exception("unexpected error in the HTTP API")
        return error(500, "服务器内部错误，请稍后再试。")

    @app.post("/api/ask")
    async def ask(request: Request) -> JSONResponse:
        # the body is capped and known to be JSON by now (`RequestLimits`)
        question, k = parse_ask_body(await request.body())
        answer = await asker.ask_async(question, k, client=client_address(request))
        return JSONResponse(answer.to_json())

    # Declared so that a wrong method is our Chinese 405 — without it the chat mounted at `/` answers 404.
    @app.api_route("/api/ask", methods=["GET", "PUT", "DELETE", "PATCH"], include_in_schema=False)
    async def ask_wrong_method() -> JSONResponse:
        return JSONResponse({"error": _STATUS_MESSAGES[405]}, status_code=405, headers={"Allow": "POST, OPTIONS"})

    @app.api_route("/healthz", methods=["GET", "HEAD"])
    async def healthz() -> JSONResponse:
        status, body = asker.health()
        return JSONResponse(body, status_code=status)

    app.add_middleware(RequestLimits, default_limit=options.max_page_body_bytes,
                       limits=(("/api/", options.max_body_bytes),), refused_paths=options.refused_paths)
    if options.token:  # outside the limits: a caller without the token gets nothing read
        app.add_middleware(TokenMiddleware, token=options.token)
    # Our own CORS policy (an empty allow-list means same-origin only); Gradio then adds none of its own.
    # Added last so it is outermost: a refused token still carries the CORS headers the caller's page needs.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(options.cors_origins),
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["*"],  # the chat web component sends its own headers (queue, session)
        allow_credentials=bool(options.token) and "*" not in options.cors_origins,
    )
    return app
