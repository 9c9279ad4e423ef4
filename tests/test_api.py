"""The HTTP contract: POST /api/ask, GET /healthz, Chinese 4xx errors, token and CORS (real app, real index)."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from qa.api import MAX_BODY_BYTES, ServerOptions, create_api
from qa.pipeline import Assistant
from qa.serving.service import AskService

CJK = re.compile(r"[\u4e00-\u9fff]")
TOKEN = "s3cret-令牌"


@pytest.fixture(scope="module")
def service(assistant: Assistant) -> AskService:
    return AskService(assistant)


@pytest.fixture(scope="module")
def client(service: AskService) -> TestClient:
    return TestClient(create_api(service), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def guarded(service: AskService) -> TestClient:
    options = ServerOptions(token=TOKEN, cors_origins=("http://intranet.example",))
    return TestClient(create_api(service, options), raise_server_exceptions=False)


def assert_chinese_error(response, status: int | None = None) -> str:  # noqa: ANN001
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    if status is not None:
        assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and isinstance(body["error"], str)
    assert CJK.search(body["error"]), body
    return body["error"]


def test_ask_returns_the_cli_contract(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": "哪个区的人工智能企业最多？", "k": 2})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"question", "answer", "answered", "citations", "latency_ms", "short_answer", "asked_as"}
    assert body["question"] == "哪个区的人工智能企业最多？"
    assert body["answered"] is True and "海淀" in body["answer"] and "[1]" in body["answer"]
    assert isinstance(body["latency_ms"], float)
    assert 1 <= len(body["citations"]) <= 2
    for n, citation in enumerate(body["citations"], start=1):
        assert set(citation) == {"n", "id", "source", "section", "text", "score", "page", "title"}
        assert citation["n"] == n and isinstance(citation["score"], float)
        assert citation["source"].endswith(".txt") and citation["text"]
    assert "海淀" in body["citations"][0]["text"]


def test_ask_default_k_and_unanswerable(client: TestClient) -> None:
    body = client.post("/api/ask", json={"question": "广州的人工智能企业有多少家？"}).json()
    assert body["answered"] is False and CJK.search(body["answer"])
    assert len(body["citations"]) <= 3


@pytest.mark.parametrize("payload", [
    {"question": ""}, {"question": "   \n\t"}, {"question": "？？？"}, {"question": None}, {"question": 42},
    {"question": ["问题"]}, {}, {"q": "哪个区"}, {"question": "哪个区？", "k": 0},
    {"question": "哪个区？", "k": "3"}, {"question": "哪个区？", "k": 99}, {"question": "哪个区？", "k": True},
])
def test_bad_json_fields_get_chinese_400(client: TestClient, payload: dict) -> None:
    assert_chinese_error(client.post("/api/ask", json=payload), 400)


@pytest.mark.parametrize("raw", [b"", b"   ", b"not json", b"{\"question\": ", b"[\"question\"]", b"\"text\"",
                                 b"null", b"\xff\xfe\x00", b"[" * 100_00 + b"]" * 100_00])
def test_non_json_bodies_get_chinese_400(client: TestClient, raw: bytes) -> None:
    response = client.post("/api/ask", content=raw, headers={"content-type": "application/json"})
    assert_chinese_error(response)


def test_too_long_question_is_413_and_names_the_limit(client: TestClient, assistant: Assistant) -> None:
    limit = assistant.settings.answer.max_question_chars
    message = assert_chinese_error(client.post("/api/ask", json={"question": "海" * (limit + 1)}), 413)
    assert str(limit) in message


def test_oversized_body_is_413(client: TestClient) -> None:
    payload = json.dumps({"question": "问" * MAX_BODY_BYTES}, ensure_ascii=False).encode("utf-8")
    assert_chinese_error(client.post("/api/ask", content=payload,
                                     headers={"content-type": "application/json"}), 413)
    # also without a Content-Length header (chunked upload): the body is cut off while streaming
    assert_chinese_error(client.post("/api/ask", content=iter([payload[:40_000], payload[40_000:]]),
                                     headers={"content-type": "application/json"}), 413)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_wrong_method_is_chinese_405(client: TestClient, method: str) -> None:
    response = client.request(method, "/api/ask", json={"question": "海淀区占比多少？"})
    assert_chinese_error(response, 405)
    assert "POST" in response.headers["allow"]


def test_healthz(client: TestClient, assistant: Assistant) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["passages"] == len(assistant.index.passages)
    assert body["built_at"] == assistant.index.manifest.built_at and body["stale"] is False
    assert body["embedder"] and body["queue"]["waiting"] == 0


def test_healthz_answers_head(client: TestClient) -> None:
    response = client.head("/healthz")
    assert response.status_code == 200 and response.content == b""


def test_json_with_a_utf8_bom_is_accepted(client: TestClient) -> None:
    raw = "\ufeff".encode("utf-8") + json.dumps({"question": "寒武纪是哪一年成立的？"}, ensure_ascii=False).encode("utf-8")
    response = client.post("/api/ask", content=raw, headers={"content-type": "application/json; charset=utf-8"})
    assert response.status_code == 200 and "2016" in response.json()["answer"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                                          None])
def test_bodies_that_are_not_json_get_chinese_415(client: TestClient, content_type: str | None) -> None:
    body = json.dumps({"question": "寒武纪是哪一年成立的？"}).encode("utf-8")
    headers = {"content-type": content_type} if content_type else {}
    assert_chinese_error(client.post("/api/ask", content=body, headers=headers), 415)


@pytest.mark.parametrize("k", ["9" * 5000, "-" + "9" * 5000, "1" + "0" * 19, "1e400"])
def test_enormous_k_is_a_chinese_400_never_500(client: TestClient, k: str) -> None:
    raw = ('{"question": "海淀区占比多少？", "k": %s}' % k).encode("utf-8")
    assert_chinese_error(client.post("/api/ask", content=raw, headers={"content-type": "application/json"}), 400)


def test_token_required_when_enabled(guarded: TestClient) -> None:
    question = {"question": "寒武纪是哪一年成立的？"}
    guarded.cookies.clear()
    assert_chinese_error(guarded.post("/api/ask", json=question), 401)
    assert_chinese_error(guarded.post("/api/ask", json=question, headers={"Authorization": "Bearer wrong"}), 401)
    ok = guarded.post("/api/ask", json=question, headers={"Authorization": f"Bearer {TOKEN}".encode("utf-8")})
    assert ok.status_code == 200 and ok.json()["answered"] is True
    assert guarded.post("/api/ask", json=question, headers={"X-QA-Token": TOKEN.encode("utf-8")}).status_code == 200
    # the health check stays open for monitors, and tells nothing but that the index is loaded
    assert guarded.get("/healthz").status_code == 200


def test_token_in_query_sets_a_cookie_for_the_page(guarded: TestClient) -> None:
    guarded.cookies.clear()
    from urllib.parse import quote

    assert guarded.get("/healthz").status_code == 200
    refused = guarded.get("/api/nothing")
    assert refused.status_code == 401
    ok = guarded.post(f"/api/ask?token={quote(TOKEN)}", json={"question": "寒武纪是哪一年成立的？"})
    assert ok.status_code == 200
    assert "qa_token=" in ok.headers["set-cookie"] and "HttpOnly" in ok.headers["set-cookie"]
    # the cookie alone now suffices (this is how the chat page's own requests pass)
    assert guarded.post("/api/ask", json={"question": "寒武纪是哪一年成立的？"}).status_code == 200
    guarded.cookies.clear()


def test_cors_allow_list(guarded: TestClient, client: TestClient) -> None:
    allowed = {"Origin": "http://intranet.example", "Access-Control-Request-Method": "POST",
               "Access-Control-Request-Headers": "authorization,content-type"}
    preflight = guarded.options("/api/ask", headers=allowed)
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "http://intranet.example"
    denied = guarded.options("/api/ask", headers={**allowed, "Origin": "http://evil.example"})
    assert denied.headers.get("access-control-allow-origin") != "http://evil.example"
    # a refused token still carries the CORS header, so the calling page can read the Chinese error
    refused = guarded.post("/api/ask", json={"question": "x"}, headers={"Origin": "http://intranet.example"})
    assert refused.status_code == 401
    assert refused.headers["access-control-allow-origin"] == "http://intranet.example"
    # without an allow-list no foreign origin is granted
    plain = client.post("/api/ask", json={"question": "寒武纪是哪一年成立的？"}, headers={"Origin": "http://evil.example"})
    assert plain.status_code == 200 and "access-control-allow-origin" not in plain.headers
