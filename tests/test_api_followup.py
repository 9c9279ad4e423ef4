"""`/api/ask` with `"previous"`: follow-ups resolved as in the chat, `asked_as` always present (NOTES.md)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from qa.api import MAX_PREVIOUS_CHARS
from qa.pipeline import Assistant
from qa.serving.service import AskService
from qa.web.app import build_server


@pytest.fixture(scope="module")
def client(assistant: Assistant, tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    from qa.web.feedback import FeedbackStore

    store = FeedbackStore(tmp_path_factory.mktemp("fb") / "feedback.sqlite3")
    return TestClient(build_server(AskService(assistant), feedback=store), raise_server_exceptions=False)


def test_a_follow_up_is_answered_as_the_resolved_question(client: TestClient) -> None:
    body = client.post("/api/ask", json={"question": "那朝阳区呢？", "previous": "海淀区的人工智能企业占比多少？"}).json()
    assert body["question"] == "那朝阳区呢？"
    assert body["asked_as"] == "朝阳区的人工智能企业占比多少？"
    assert body["answered"] and "25.79%" in body["answer"]


@pytest.mark.parametrize("payload", [
    {"question": "北京人工智能企业融资情况怎么样？", "previous": "寒武纪是哪一年成立的？"},  # complete question
    {"question": "寒武纪是哪一年成立的？"},                                               # no previous
    {"question": "寒武纪是哪一年成立的？", "previous": None},
    {"question": "寒武纪是哪一年成立的？", "previous": "  "},
])
def test_a_complete_question_is_asked_as_itself(client: TestClient, payload: dict[str, object]) -> None:
    body = client.post("/api/ask", json=payload).json()
    assert body["asked_as"] == body["question"] == payload["question"]


@pytest.mark.parametrize("previous, status", [(42, 400), (["海淀区占比多少？"], 400), ("海" * (MAX_PREVIOUS_CHARS + 1), 413)])
def test_a_bad_previous_is_a_chinese_4xx(client: TestClient, previous: object, status: int) -> None:
    response = client.post("/api/ask", json={"question": "那朝阳区呢？", "previous": previous})
    assert response.status_code == status
    assert "previous" in response.json()["error"] and "字段" in response.json()["error"]
