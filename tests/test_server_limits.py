"""Limits on every route of the real server (JSON API + Gradio chat in one app): uploads refused, bodies capped,
JSON only, Chinese 405 and HEAD /healthz even with the chat mounted at `/`."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from qa.api import MAX_PAGE_BODY_BYTES
from qa.pipeline import Assistant
from qa.web.app import MAX_TURNS, build_server

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def server(assistant: Assistant) -> TestClient:
    return TestClient(build_server(assistant), raise_server_exceptions=False)


def chinese_error(response, status: int) -> str:  # noqa: ANN001
    assert response.status_code == status, (response.status_code, response.text[:300])
    message = response.json()["error"]
    assert CJK.search(message)
    return message


@pytest.mark.parametrize("path", ["/gradio_api/upload", "/gradio_api/upload?upload_id=x", "/upload"])
def test_uploads_are_refused(server: TestClient, path: str) -> None:
    response = server.post(path, files={"files": ("big.bin", b"\0" * 10_000, "application/octet-stream")})
    assert "上传" in chinese_error(response, 403)


def test_queue_join_body_is_capped(server: TestClient) -> None:
    big = json.dumps({"data": ["问" * MAX_PAGE_BODY_BYTES], "fn_index": 0, "session_hash": "x"}).encode("utf-8")
    chinese_error(server.post("/gradio_api/queue/join", content=big, headers={"content-type": "application/json"}),
                  413)
    # chunked (no Content-Length): cut off while reading
    chunks = iter([big[i:i + 65536] for i in range(0, len(big), 65536)])
    chinese_error(server.post("/gradio_api/queue/join", content=chunks, headers={"content-type": "application/json"}),
                  413)


def test_queue_join_takes_json_only(server: TestClient) -> None:
    body = json.dumps({"data": ["海淀区占比多少？"], "fn_index": 0, "session_hash": "x"})
    chinese_error(server.post("/gradio_api/queue/join", content=body, headers={"content-type": "text/plain"}), 415)


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_wrong_method_on_ask_is_chinese_405_with_the_chat_mounted(server: TestClient, method: str) -> None:
    chinese_error(server.request(method, "/api/ask"), 405)


def test_head_healthz_with_the_chat_mounted(server: TestClient) -> None:
    assert server.head("/healthz").status_code == 200
    assert server.get("/healthz").json()["status"] == "ok"


def test_chat_page_still_loads(server: TestClient) -> None:
    assert server.get("/").status_code == 200
    assert server.get("/gradio_api/info").status_code in (200, 404)


def test_chat_history_is_bounded(assistant: Assistant) -> None:
    from qa.web.app import build_chat
    from qa.serving.service import AskService

    demo = build_chat(AskService(assistant))
    submit = next(fn for fn in demo.fns.values() if getattr(fn.fn, "__name__", "") == "submit").fn
    history: list = []
    turns: list = []
    for n in range(MAX_TURNS + 5):
        _, history, turns = submit(f"海淀区占比多少？{n}", history, turns, 1, None)
    assert len(turns) == MAX_TURNS and len(history) == 2 * MAX_TURNS
    assert turns[-1]["typed"].endswith(str(MAX_TURNS + 4))
