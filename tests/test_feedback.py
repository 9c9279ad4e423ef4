"""Feedback: the request contract, the store under concurrent writers, and `qa feedback export` → `qa eval` — each
on SQLite (the default) and on PostgreSQL (`--feedback postgresql://…`, a real server started for the session)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa.api import create_api
from qa.config import PROJECT_ROOT, Settings
from qa.evaluate.questions import read_questions
from qa.pipeline import Assistant
from qa.errors import UserError
from qa.web.feedback import (Feedback, FeedbackBackend, FeedbackStore, add_feedback_route, export_questions,
                             open_feedback)

from engines import free_port, fresh_database, require

CJK_ERROR = {"error"}


@pytest.fixture()
def store(feedback_location: str) -> FeedbackBackend:
    return open_feedback(feedback_location, Settings())


@pytest.fixture()
def client(assistant: Assistant, store: FeedbackBackend) -> TestClient:
    app = create_api(assistant)
    add_feedback_route(app, store)
    return TestClient(app, raise_server_exceptions=False)


def test_good_feedback_is_stored(client: TestClient, store: FeedbackBackend) -> None:
    response = client.post("/api/feedback", json={"question": "寒武纪是哪一年成立的？", "answer": "2016年。[1]",
                                                  "rating": "down", "comment": "应写明月份"})
    assert response.status_code == 200 and response.json() == {"ok": True}
    [row] = store.all()
    assert (row.question, row.answer, row.rating, row.comment) == ("寒武纪是哪一年成立的？", "2016年。[1]", "down",
                                                                   "应写明月份")


@pytest.mark.parametrize("body", [
    {"question": "q", "answer": "a"}, {"question": "q", "answer": "a", "rating": "meh"},
    {"question": "", "answer": "a", "rating": "up"}, {"question": 3, "answer": "a", "rating": "up"},
    {"answer": "a", "rating": "up"}, {"question": "q", "answer": "a", "rating": "up", "comment": ["x"]},
    {"question": "q" * 3000, "answer": "a", "rating": "up"}, ["question"],
    {"question": "q\x00", "answer": "a", "rating": "up"},  # NUL: PostgreSQL's text cannot hold it, SQLite's would
])
def test_bad_feedback_gets_a_chinese_4xx(client: TestClient, store: FeedbackBackend, body: object) -> None:
    response = client.post("/api/feedback", json=body)
    assert 400 <= response.status_code < 500
    assert set(response.json()) == CJK_ERROR and any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["error"])
    assert store.all() == []


@pytest.mark.parametrize("raw, kind", [(b"not json", "application/json"), (b"\xff", "application/json"),
                                       (b'{"question":"q","answer":"a","rating":"up"}', "text/plain")])
def test_non_json_feedback_is_refused(client: TestClient, raw: bytes, kind: str) -> None:
    response = client.post("/api/feedback", content=raw, headers={"content-type": kind})
    assert response.status_code in (400, 415) and "error" in response.json()


def test_concurrent_writers_lose_nothing(feedback_location: str) -> None:
    # as separate server processes would open it
    stores = [open_feedback(feedback_location, Settings()) for _ in range(4)]

    def write(store: FeedbackBackend, worker: int) -> None:
        for i in range(25):
            store.add(Feedback(question=f"问题{worker}-{i}", answer="答", rating="up"))

    threads = [threading.Thread(target=write, args=(s, n)) for n, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(open_feedback(feedback_location, Settings()).all()) == 100


def test_unusable_path_is_a_chinese_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(Exception, match="反馈数据库"):
        FeedbackStore(tmp_path / "file" / "feedback.sqlite3")


def test_export_is_a_question_file_qa_eval_reads(store: FeedbackBackend, tmp_path: Path) -> None:
    store.add(Feedback(question="寒武纪是哪一年成立的？", answer="寒武纪成立于2016年。[1]", rating="up"))
    store.add(Feedback(question="海淀区占比多少？", answer="不知道。", rating="down", comment="应为 62.44%"))
    store.add(Feedback(question="海淀区占比多少？", answer="不知道。", rating="down", comment="更正：62.44%"))
    out = tmp_path / "all.jsonl"
    assert export_questions(store, out) == 2  # one line per question, its latest feedback
    questions, errors = read_questions(out)
    assert errors == [] and [q.q for q in questions] == ["寒武纪是哪一年成立的？", "海淀区占比多少？"]
    assert questions[0].reference == ("寒武纪成立于2016年。",)
    down = tmp_path / "down.jsonl"
    assert export_questions(store, down, "down") == 1
    record = json.loads(down.read_text(encoding="utf-8"))
    assert record["feedback"]["comment"] == "更正：62.44%" and record["feedback"]["rating"] == "down"


def test_cli_export(store: FeedbackBackend, feedback_location: str, tmp_path: Path) -> None:
    store.add(Feedback(question="寒武纪是哪一年成立的？", answer="2016年。", rating="down"))
    out = tmp_path / "q.jsonl"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-m", "qa", "feedback", "export", "--feedback", feedback_location,
                           "--out", str(out), "--rating", "down"], capture_output=True, text=True, env=env,
                          cwd=PROJECT_ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "已导出 1 个问题" in done.stdout
    assert read_questions(out)[0][0].q == "寒武纪是哪一年成立的？"
    bad = subprocess.run([sys.executable, "-m", "qa", "feedback", "export", "--out", str(out), "--rating", "meh"],
                         capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=60)
    assert bad.returncode == 2 and "错误" in bad.stderr and "Traceback" not in bad.stderr


def test_an_unreachable_postgresql_is_a_chinese_error() -> None:
    require("psycopg")
    with pytest.raises(UserError, match="无法连接反馈数据库 postgresql://qa@127.0.0.1"):
        open_feedback(f"postgresql://qa:secret@127.0.0.1:{free_port()}/feedback", Settings())


def test_a_database_gone_while_serving_is_a_chinese_503(assistant: Assistant, postgres_url: str) -> None:
    import psycopg

    url = fresh_database(postgres_url)
    app = create_api(assistant)
    add_feedback_route(app, open_feedback(url, Settings()))
    with psycopg.connect(postgres_url, autocommit=True) as db:
        db.execute(f"DROP DATABASE {url.rsplit('/', 1)[1]}")
    response = TestClient(app, raise_server_exceptions=False).post(
        "/api/feedback", json={"question": "问题", "answer": "答", "rating": "up"})
    assert response.status_code == 503 and "无法连接反馈数据库" in response.json()["error"]
    assert "secret" not in response.json()["error"]


def test_a_later_vote_overrides_earlier_ones_in_the_export(store: FeedbackBackend, tmp_path: Path) -> None:
    for rating in ("down", "down", "up"):
        store.add(Feedback(question="寒武纪是哪一年成立的？", answer="2016年[1]", rating=rating))
    store.add(Feedback(question="海淀区占比多少？", answer="25.79%", rating="down"))
    out = tmp_path / "down.jsonl"
    assert export_questions(store, out, "down") == 1
    assert [json.loads(line)["q"] for line in out.read_text(encoding="utf-8").splitlines()] == ["海淀区占比多少？"]
    assert export_questions(store, tmp_path / "up.jsonl", "up") == 1
