"""HTTP front door: `POST /api/ask`, `GET /healthz`, optional access token and a CORS allow-list.

The contract (../shared/NOTES.md): `/api/ask` takes `{"question": str, "k": int?, "previous": str?}` and returns
the object of `qa ask --json` plus `asked_as` (the question answered: a follow-up such as "那朝阳区呢？" resolved
against `previous` by question understanding, `qa.understand`, else the question itself); bad input gets
HTTP 4xx with `{"error": "<Chinese message>"}`. The Gradio chat is mounted on
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
.hint{{color:#475569;font-size:.92em}}form{{display:flex;flex-wrap:wrap;gap:8px;margin:.8em 0}}
label{{flex:1 1 14em;display:flex;flex-direction:column;font-size:.92em}}
input{{font:inherit;padding:4px 8px;border:1px solid #64748b;border-radius:6px;color:inherit;background:#fff}}
button{{font:inherit;align-self:flex-end;padding:4px 16px;border:0;border-radius:6px;background:#1d4ed8;color:#fff;
cursor:pointer}}:focus-visible{{outline:2px solid #1d4ed8;outline-offset:2px}}
@media (prefers-color-scheme:dark){{body{{background:#0f172a;color:#e2e8f0}}main{{background:#1e293b;border-color:#334155}}
.hint{{color:#cbd5e1}}input{{background:#0f172a;border-color:#94a3b8}}}}
@media (max-width:600px){{main{{margin:0;border-radius:0;border:0;padding:20px}}}}</style></head>
<body><main><h1>需要访问令牌</h1><p>{message}</p>{body}</main></body></html>"""
#: Opened directly: the admin's link is the way in.
_REFUSED_DIRECT = '<p class="hint">请使用管理员提供的完整链接（含 ?token=…）打开报告问答助手，或联系管理员获取令牌。</p>'
#: Inside the portal widget's panel: sign in in a window of the assistant's own (a framed page over http may not
#: keep the cookie), then reopen the panel; where the portal is on another site, the new window is the chat.
_REFUSED_EMBEDDED = """<p class="hint">请先登录：输入管理员提供的访问令牌，问答会在新窗口中打开；之后回到本页重新打开问答即可使用。</p>
<form action="./" method="get" target="_blank"><label>访问令牌<input name="token" type="password"
autocomplete="current-password" required></label><button type="submit">登录并在新窗口打开</button></form>
<p class="hint">如果重新打开后仍看到本页（门户与助手不在同一站点，且助手未使用 https），请直接在新窗口中使用问答，
或请管理员用 https 提供助手、或把助手放在门户的同一站点下。</p>"""


def refused_page(message: str, embedded: bool) -> str:
    """The readable 401 page a person sees without the token; in the widget's panel it also says how to sign in."""
    return _REFUSED_PAGE.format(message=html.escape(message), body=_REFUSED_EMBEDDED if embedded else _REFUSED_DIRECT)


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
    #: paths served without the token besides `/healthz` (the portal widget's script holds no data)
    public_paths: tuple[str, ...] = ()


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

    def __init__(self, app: ASGIApp, token: str, public_paths: Sequence[str] = ()) -> None:
        self.app = app
        self.token = token
        self.open_paths = OPEN_PATHS | frozenset(public_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = app_path(scope)
        if path in self.open_paths or (scope["type"] == "http" and scope.get("method") == "OPTIONS"):
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
                person = "打开报告问答助手需要访问令牌。" if given is None else "访问令牌不正确。"
                response = HTMLResponse(refused_page(person, embedded=b"embed=" in scope.get("query_string", b"")),
                                        status_code=401)
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


#: Longest `previous` accepted (a question the same server answered is at most `max_question_chars` long).
MAX_PREVIOUS_CHARS = 2_000


@dataclass(frozen=True)
class AskBody:
    question: object
    k: object = None
    previous: str | None = None


def _previous(data: dict[str, Any]) -> str | None:
    value = data.get("previous")
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiInputError(400, '"previous" 字段必须是文本（上一个问题），或省略。')
    if len(value) > MAX_PREVIOUS_CHARS:
        raise ApiInputError(413, f'"previous" 字段太长（上限 {MAX_PREVIOUS_CHARS} 字）。')
    return value.strip() or None


def parse_ask_body(raw: bytes) -> AskBody:
    """Question, k and the previous question from a request body, or ApiInputError with a Chinese message."""
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
    return AskBody(data["question"], data.get("k"), _previous(data))


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
        body = parse_ask_body(await request.body())
        answer = await asker.ask_async(body.question, body.k, client=client_address(request), previous=body.previous)
        return JSONResponse({**answer.to_json(), "question": answer.typed or answer.question,
                             "asked_as": answer.question})

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
        app.add_middleware(TokenMiddleware, token=options.token, public_paths=options.public_paths)
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
