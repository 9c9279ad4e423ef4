"""Connection hygiene on a real uvicorn server over loopback (issue 21): silent and slowloris connections are
closed after the head deadline, a flood of connections pushes out its own idle ones while a real request is
served, Content-Length with Transfer-Encoding is refused and the connection closed, and a failing accept() is
logged once per interval. Limits are small here so each test takes about a second."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from typing import Iterator

import pytest

from qa.serving.connections import ConnectionGuard, OncePerInterval
from qa.serving.limits import RequestLimits
from qa.serving.streams import StreamsPerClient
from tests.loopback_server import loopback_server

HEAD_TIMEOUT_S = 0.5
MAX_CONNECTIONS = 20


async def hello(scope, receive, send) -> None:  # noqa: ANN001
    """The smallest JSON app: reads the body, answers {"ok": true}."""
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    body = json.dumps({"ok": True}).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture()
def server() -> Iterator[tuple[int, ConnectionGuard]]:
    guard = ConnectionGuard(max_connections=MAX_CONNECTIONS, head_timeout_s=HEAD_TIMEOUT_S)
    limits = RequestLimits(hello, default_limit=64 * 1024)

    async def app(scope, receive, send) -> None:  # noqa: ANN001
        """uvicorn calls an app once without arguments to spot a factory; mutation testing wraps
        RequestLimits.__call__ in a function that takes any arguments, which that call would mistake for one."""
        await limits(scope, receive, send)

    with loopback_server(app, startup_s=10, http=guard.protocol(), lifespan="off") as port:
        yield port, guard


def connect(port: int) -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", port), timeout=10)
    return conn


def closed_by_server(conn: socket.socket, within_s: float = 5.0) -> bool:
    """True when the server closes the connection (EOF or reset) within `within_s`."""
    conn.settimeout(within_s)
    try:
        while conn.recv(4096):
            pass
        return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def read_response(conn: socket.socket) -> bytes:
    """One response of `hello` (head and body may arrive in separate segments)."""
    data = b""
    while not data.endswith(b'{"ok": true}'):
        chunk = conn.recv(4096)
        assert chunk, data
        data += chunk
    return data


def get(port: int) -> int:
    with connect(port) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        return int(read_response(conn).split(b" ", 2)[1])


def test_silent_connection_is_closed_after_the_head_deadline(server: tuple[int, ConnectionGuard]) -> None:
    port, _ = server
    with connect(port) as conn:
        assert closed_by_server(conn)


def test_slowloris_head_is_closed_though_bytes_keep_coming(server: tuple[int, ConnectionGuard]) -> None:
    port, _ = server
    with connect(port) as conn:
        started = time.monotonic()
        conn.sendall(b"GET / HTTP/1.1\r\n")
        try:
            for _ in range(40):  # one header byte every 0.1 s: 4 s, far past the 0.5 s deadline
                conn.sendall(b"X")
                time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert closed_by_server(conn, within_s=1.0)
        assert time.monotonic() - started < 4.0  # closed mid-trickle, not when the trickle ended


def test_keep_alive_connection_gets_a_new_deadline_per_request(server: tuple[int, ConnectionGuard]) -> None:
    port, _ = server
    with connect(port) as conn:
        for _ in range(2):
            conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert read_response(conn).startswith(b"HTTP/1.1 200 OK")
        assert closed_by_server(conn)  # then idle → closed


def test_connection_flood_pushes_out_its_own_idle_connections(server: tuple[int, ConnectionGuard]) -> None:
    port, guard = server
    flood = [connect(port) for _ in range(MAX_CONNECTIONS * 3)]
    try:
        assert get(port) == 200  # a real request still gets through
        # the real request may be served before the server has accepted the whole flood (a loaded machine): wait
        # until it has seen every connection, then all but the last MAX_CONNECTIONS must have been pushed out
        deadline = time.monotonic() + 5.0
        while guard.evicted < MAX_CONNECTIONS * 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert guard.evicted >= MAX_CONNECTIONS * 2
        assert closed_by_server(flood[0], within_s=2.0)  # the oldest silent ones went first
    finally:
        for conn in flood:
            conn.close()


def test_content_length_with_transfer_encoding_is_400_and_closed(server: tuple[int, ConnectionGuard]) -> None:
    port, _ = server
    with connect(port) as conn:
        conn.sendall(b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
        conn.settimeout(5)
        response = b""
        while chunk := conn.recv(4096):
            response += chunk
        assert response.startswith(b"HTTP/1.1 400 ")
        assert "Content-Length".encode() in response and b"connection: close" in response.lower()
        assert "Transfer-Encoding" in json.loads(response.split(b"\r\n\r\n", 1)[1])["error"]


def test_accept_errors_are_logged_once_per_interval() -> None:
    now = [0.0]
    only_once = OncePerInterval("socket.accept() out of system resource", interval_s=60.0, clock=lambda: now[0])
    logger = logging.Logger("test_connections.accept")  # a private one: a rerun in this process starts clean
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger.addHandler(handler)
    logger.addFilter(only_once)
    error = OSError(24, "Too many open files")
    for _ in range(10_000):
        logger.error("socket.accept() out of system resource\nsocket: <socket>",
                     exc_info=(OSError, error, None))
    logger.error("something else")
    now[0] = 61.0
    logger.error("socket.accept() out of system resource", exc_info=(OSError, error, None))
    accept = [r for r in records if "accept" in r.getMessage()]
    assert len(accept) == 2 and all(r.exc_info is None for r in accept)
    assert "9999" in accept[1].getMessage() and "Too many open files" in accept[0].getMessage()
    assert any(r.getMessage() == "something else" for r in records)


def test_gradio_dev_reload_stream_is_not_served(assistant) -> None:  # noqa: ANN001
    from fastapi.testclient import TestClient

    from qa.web.app import DEV_RELOAD_PATH, build_server

    response = TestClient(build_server(assistant)).get(DEV_RELOAD_PATH)
    assert response.status_code == 404 and response.json()["error"] == "没有这个地址。"


def test_open_event_streams_are_bounded_per_client() -> None:
    """Two heartbeat streams held open by one address, a third refused with 429; another address and a closed
    stream make room."""
    release = asyncio.Event()

    async def stream(scope, receive, send) -> None:  # noqa: ANN001
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await release.wait()
        await send({"type": "http.response.body", "body": b"data: ALIVE\n\n"})

    async def scenario() -> list[int]:
        guarded = StreamsPerClient(stream, limit=2)
        statuses: list[int] = []

        async def call(address: str) -> None:
            scope = {"type": "http", "method": "GET", "path": "/gradio_api/heartbeat/abc", "root_path": "",
                     "headers": [], "client": (address, 1)}

            async def send(message: dict) -> None:
                if message["type"] == "http.response.start":
                    statuses.append(message["status"])
                    if message["status"] == 429:
                        assert dict(message["headers"])[b"retry-after"].isdigit()

            await guarded(scope, lambda: asyncio.sleep(0, {"type": "http.disconnect"}), send)

        held = [asyncio.create_task(call("10.0.0.9")) for _ in range(2)]
        await asyncio.sleep(0.01)
        await call("10.0.0.9")  # refused at once
        other = asyncio.create_task(call("10.0.0.1"))
        await asyncio.sleep(0.01)
        release.set()
        await asyncio.gather(*held, other)
        assert not guarded.open
        return statuses

    assert asyncio.run(scenario()) == [200, 200, 429, 200]
