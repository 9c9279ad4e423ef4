"""The request limits (qa/serving/limits.py) as a client sees them, driven through the ASGI interface directly:
what is refused with which status and message, what reaches the route (the body replayed whole, once), and where
the cut-offs lie exactly (a body of exactly the cap passes, one byte more does not).

Fast on purpose: these are the tests mutation testing (scripts/mutation.sh) runs first for this module.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field

import pytest

from qa.serving.limits import RequestLimits

LIMIT = 4096
UPLOAD = "/gradio_api/upload"


@dataclass
class Route:
    """The app behind the limits: records what it was given and answers 200 with the body it read."""

    scopes: list[dict] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    after_body: list[str] = field(default_factory=list)
    lifespan: list[str] = field(default_factory=list)

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        self.scopes.append(scope)
        if scope["type"] == "lifespan":
            self.lifespan.append((await receive())["type"])
            await send({"type": "lifespan.startup.complete"})
            return
        if scope["type"] != "http":
            return
        body, more = b"", True
        while more:
            message = await receive()
            assert message["type"] == "http.request", message  # what a framework checks before reading a body
            body += message.get("body", b"")
            more = message.get("more_body", False)
        self.bodies.append(body)
        if scope["method"] == "POST":
            self.after_body.append((await receive())["type"])  # what the client sends after the body
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def error(self) -> str:
        return json.loads(self.body.decode("utf-8"))["error"]


def call(limits: RequestLimits, *, method: str = "POST", path: str = "/api/ask", root_path: str = "",
         headers: dict[str, str] | None = None, chunks: list[dict] | None = None,
         scope_type: str = "http") -> Reply | None:
    """One request through `limits`; None when nothing was sent back (the client went away)."""
    headers = {"content-type": "application/json", "content-length": "2"} if headers is None else headers
    incoming = list(chunks if chunks is not None else [{"type": "http.request", "body": b"{}"}])
    sent: list[dict] = []

    async def receive() -> dict:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": scope_type, "method": method, "path": path, "root_path": root_path, "client": ("10.0.0.7", 5),
             "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]}
    asyncio.run(limits(scope, receive, send))
    if not sent:
        return None
    start, *rest = sent
    assert start["type"] == "http.response.start"
    assert [m["type"] for m in rest] == ["http.response.body"]
    return Reply(start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, rest[0]["body"])


def limited(route: Route, **kwargs: object) -> RequestLimits:
    return RequestLimits(route, default_limit=LIMIT, limits=[("/api/feedback", 1024), ("/api", 2048)],
                         refused_paths=[UPLOAD, "/upload"], **kwargs)  # type: ignore[arg-type]


def json_headers(length: int | None) -> dict[str, str]:
    return {"content-type": "application/json"} | ({} if length is None else {"content-length": str(length)})


def test_an_error_is_complete_json_in_chinese_with_its_exact_length() -> None:
    route = Route()
    reply = call(limited(route), path=UPLOAD)
    assert reply is not None and reply.status == 403
    assert reply.headers["content-type"] == "application/json"
    assert int(reply.headers["content-length"]) == len(reply.body)
    assert reply.error == "本服务不接受文件上传。"
    assert "本服务".encode("utf-8") in reply.body  # UTF-8, not \u escapes
    assert route.scopes == []


def test_refused_paths_by_prefix_and_behind_a_root_path() -> None:
    route = Route()
    for path, root in [("/upload", ""), ("/gradio_api/upload/more", ""), ("/qa/upload", "/qa")]:
        reply = call(limited(route), path=path, root_path=root)
        assert reply is not None and reply.status == 403, (path, root)
    # the same path under a root path that is not its prefix is not taken off, so it is not refused
    assert call(limited(route), path="/xy/upload", root_path="/qa").status == 200  # type: ignore[union-attr]
    assert call(limited(route), method="GET", path="/qa", root_path="/qa", headers={}).status == 200  # type: ignore[union-attr]
    assert [s["path"] for s in route.scopes] == ["/xy/upload", "/qa"]


def test_non_http_scopes_pass_untouched() -> None:
    route = Route()
    assert call(limited(route), scope_type="websocket", path=UPLOAD) is None
    assert route.scopes[0]["type"] == "websocket"


def test_lifespan_messages_pass_both_ways() -> None:
    route = Route()
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "lifespan.startup"}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(limited(route)({"type": "lifespan"}, receive, send))
    assert route.lifespan == ["lifespan.startup"] and sent == [{"type": "lifespan.startup.complete"}]


def test_content_length_with_transfer_encoding_is_refused_and_the_connection_closed() -> None:
    route = Route()
    reply = call(limited(route), headers=json_headers(2) | {"transfer-encoding": "chunked"})
    assert reply is not None and reply.status == 400
    assert reply.headers["connection"] == "close"
    assert reply.error == "请求头不能同时含有 Content-Length 和 Transfer-Encoding。"
    assert route.scopes == []


@pytest.mark.parametrize("declared", ["abc", "-1", "", "1e3"])
def test_a_malformed_content_length_is_400(declared: str) -> None:
    route = Route()
    reply = call(limited(route), headers={"content-type": "application/json", "content-length": declared})
    assert reply is not None and reply.status == 400 and reply.error == "请求头 Content-Length 不正确。"
    assert "connection" not in reply.headers
    assert route.scopes == []


def test_header_names_are_matched_in_any_case() -> None:
    route = Route()
    reply = call(limited(route), headers={"Content-Type": "application/json", "Content-Length": str(LIMIT + 1)})
    assert reply is not None and reply.status == 413


@pytest.mark.parametrize(("path", "cap"), [("/api/feedback", 1024), ("/api/ask", 2048), ("/gradio_api/queue", LIMIT)])
def test_the_declared_size_is_capped_per_path_prefix_exactly(path: str, cap: int) -> None:
    route = Route()
    body = b'"' + b"x" * (cap - 2) + b'"'
    accepted = call(limited(route), path=path, headers=json_headers(cap),
                    chunks=[{"type": "http.request", "body": body}])
    assert accepted is not None and accepted.status == 200 and route.bodies == [body]
    refused = call(limited(route), path=path, headers=json_headers(cap + 1))
    assert refused is not None and refused.status == 413
    assert refused.error == f"请求内容太大（上限 {cap // 1024} KB）。"
    assert len(route.scopes) == 1


def test_the_size_message_says_at_least_one_kb() -> None:
    reply = call(RequestLimits(Route(), default_limit=100), headers=json_headers(101))
    assert reply is not None and reply.status == 413 and "上限 1 KB" in reply.error


def test_a_chunked_body_is_capped_while_it_is_read() -> None:
    route = Route()
    cap = 2048
    headers = {"content-type": "application/json", "transfer-encoding": "chunked"}
    exact = [{"type": "http.request", "body": b"[" + b"1" * 1000, "more_body": True},
             {"type": "http.request", "body": b"1" * (cap - 1002), "more_body": True},
             {"type": "http.request", "body": b"]"}]
    reply = call(limited(route), headers=headers, chunks=exact)
    assert reply is not None and reply.status == 200
    assert route.bodies == [b"".join(c["body"] for c in exact)] and len(route.bodies[0]) == cap
    one_more = [*exact[:2], {"type": "http.request", "body": b"1]"}]
    reply = call(limited(route), headers=headers, chunks=one_more)
    assert reply is not None and reply.status == 413 and reply.error == "请求内容太大（上限 2 KB）。"
    assert len(route.scopes) == 1


def test_a_chunk_without_more_body_is_the_last() -> None:
    route = Route()
    reply = call(limited(route), headers={"content-type": "application/json", "transfer-encoding": "chunked"},
                 chunks=[{"type": "http.request", "body": b"[1]"}, {"type": "http.request", "body": b"never read"}])
    assert reply is not None and reply.body == b"[1]"
    assert route.after_body == ["http.request"]  # the route reads on from the client after the replayed body


def test_the_body_reaches_the_route_once_then_the_client_stream_continues() -> None:
    route = Route()
    reply = call(limited(route), headers=json_headers(7),
                 chunks=[{"type": "http.request", "body": b'{"a":', "more_body": True},
                         {"type": "http.request", "body": b" 1}"}])
    assert reply is not None and reply.status == 200 and reply.body == b'{"a": 1}'
    assert route.after_body == ["http.disconnect"]
    assert route.scopes[0]["path"] == "/api/ask"


@pytest.mark.parametrize("content_type", ["application/json", "Application/JSON; charset=utf-8",
                                          " application/json ;charset=utf-8", "application/json; charset=utf-8; q=1"])
def test_json_bodies_pass_in_any_spelling(content_type: str) -> None:
    route = Route()
    reply = call(limited(route), headers={"content-type": content_type, "content-length": "2"})
    assert reply is not None and reply.status == 200 and route.bodies == [b"{}"]


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=application/json", "application/jsonx",
                                          "text/plain; x=application/json; y=1"])
def test_other_bodies_are_415(content_type: str | None) -> None:
    route = Route()
    headers = {"content-length": "2"} | ({} if content_type is None else {"content-type": content_type})
    reply = call(limited(route), headers=headers)
    assert reply is not None and reply.status == 415
    assert reply.error == "请求内容必须是 JSON（Content-Type: application/json）。"
    assert route.scopes == []


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_every_body_method_is_checked(method: str) -> None:
    reply = call(limited(Route()), method=method, headers={"content-type": "text/plain", "content-length": "2"})
    assert reply is not None and reply.status == 415


def test_a_chunked_body_is_checked_too() -> None:
    reply = call(limited(Route()), headers={"content-type": "text/plain", "transfer-encoding": "chunked"})
    assert reply is not None and reply.status == 415


@pytest.mark.parametrize(("method", "headers"), [
    ("POST", {"content-length": "0"}),            # an empty body needs no type
    ("POST", {}),                                 # nor does none at all
    ("GET", {"content-length": "2"}),             # a method without a body passes to the route as it is
    ("OPTIONS", {"transfer-encoding": "chunked"}),
])
def test_requests_without_a_body_to_check_go_straight_to_the_route(method: str, headers: dict[str, str]) -> None:
    route = Route()
    body = [{"type": "http.request", "body": b"raw"}, {"type": "http.request", "body": b"next"}]
    reply = call(limited(route), method=method, headers=headers, chunks=body)
    assert reply is not None and reply.status == 200
    assert route.bodies == [b"raw"]  # read by the route from the client itself, not replayed
    assert route.after_body in ([], ["http.request"])


def test_a_client_gone_mid_body_is_one_warning_and_no_response(caplog: pytest.LogCaptureFixture) -> None:
    route = Route()
    with caplog.at_level(logging.WARNING, logger="qa.serving.limits"):
        reply = call(limited(route), path="/api/feedback", headers=json_headers(100),
                     chunks=[{"type": "http.request", "body": b'{"a"', "more_body": True}])
    assert reply is None and route.scopes == []
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "客户端 10.0.0.7 在请求体传完前断开：POST /api/feedback（已收到 4 字节）"


def test_a_client_without_an_address_is_logged_as_unknown(caplog: pytest.LogCaptureFixture) -> None:
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "PUT", "path": "/api/ask", "headers": [(b"content-type", b"application/json"),
                                                                             (b"content-length", b"5")]}
    with caplog.at_level(logging.WARNING, logger="qa.serving.limits"):
        asyncio.run(limited(Route())(scope, receive, send))
    assert sent == []
    assert caplog.records[0].getMessage() == "客户端 ? 在请求体传完前断开：PUT /api/ask（已收到 0 字节）"


def test_defaults_cap_every_path_alike_and_refuse_none() -> None:
    route = Route()
    limits = RequestLimits(route, default_limit=2048)
    assert call(limits, path=UPLOAD).status == 200  # type: ignore[union-attr]
    assert call(limits, path="/api/feedback", headers=json_headers(2049)).status == 413  # type: ignore[union-attr]


def test_the_app_root_itself_is_path_slash() -> None:
    """Behind `--root-path /qa`, a request for /qa is the app's "/", so a cap on "/" applies to it."""
    route = Route()
    limits = RequestLimits(route, default_limit=LIMIT, limits=[("/", 10)])
    assert call(limits, path="/qa", root_path="/qa", headers=json_headers(11)).status == 413  # type: ignore[union-attr]
    assert call(limits, path="/qa", root_path="/qa", headers=json_headers(2)).status == 200  # type: ignore[union-attr]


def test_a_chunk_without_a_body_adds_nothing() -> None:
    """ASGI lets a server leave out an empty chunk's "body"."""
    route = Route()
    reply = call(limited(route), headers={"content-type": "application/json", "transfer-encoding": "chunked"},
                 chunks=[{"type": "http.request", "more_body": True}, {"type": "http.request", "body": b"[]"}])
    assert reply is not None and reply.status == 200 and route.bodies == [b"[]"]


def test_a_small_cap_read_from_a_chunked_body_says_one_kb() -> None:
    route = Route()
    reply = call(RequestLimits(route, default_limit=100),
                 headers={"content-type": "application/json", "transfer-encoding": "chunked"},
                 chunks=[{"type": "http.request", "body": b"[" + b"1" * 100 + b"]"}])
    assert reply is not None and reply.status == 413 and reply.error == "请求内容太大（上限 1 KB）。"
    assert route.scopes == []


def test_a_one_byte_body_is_checked_too() -> None:
    route = Route()
    reply = call(limited(route), headers={"content-type": "text/plain", "content-length": "1"},
                 chunks=[{"type": "http.request", "body": b"1"}])
    assert reply is not None and reply.status == 415 and route.scopes == []
