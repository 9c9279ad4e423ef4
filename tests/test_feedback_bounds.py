"""Feedback under abuse (issue 21): a per-client rate limit, a size quota that loses nothing already stored, an
export whose memory does not grow with the store, and line-break characters that survive export → `qa eval` — the
store's tests on SQLite and on PostgreSQL (`feedback_location`)."""

from __future__ import annotations

import random
import re
import sqlite3
import tracemalloc
from contextlib import closing
from pathlib import Path
from typing import Iterable

import pytest
from fastapi.testclient import TestClient

from qa.api import create_api
from qa.config import Settings
from qa.evaluate.questions import read_questions
from qa.pipeline import Assistant
from qa.serving.ratelimit import RateLimiter
from qa.web.feedback import (Feedback, FeedbackBackend, FeedbackFull, FeedbackStore, add_feedback_route,
                             export_questions, open_feedback)

CJK = re.compile(r"[\u4e00-\u9fff]")
VOTE = {"question": "寒武纪是哪一年成立的？", "answer": "2016年。[1]", "rating": "down"}


def stored_bytes(store: FeedbackBackend) -> int:
    """What the store takes on disk: the SQLite file, or the PostgreSQL table with its TOAST table and indexes."""
    if isinstance(store, FeedbackStore):
        return store.path.stat().st_size
    import psycopg

    with psycopg.connect(getattr(store, "url")) as db:
        return int(db.execute("SELECT pg_total_relation_size('feedback')").fetchone()[0])


def insert_in_one_transaction(store: FeedbackBackend, rows: Iterable[tuple[str, str]]) -> None:
    """(question, answer) 👎 rows written at once (the store's add() commits each vote, far slower)."""
    sql = "INSERT INTO feedback (created_at, question, answer, rating) VALUES (0, {0}, {0}, 'down')"
    if isinstance(store, FeedbackStore):
        with closing(sqlite3.connect(store.path)) as db, db:
            db.executemany(sql.format("?"), rows)
        return
    import psycopg

    with psycopg.connect(getattr(store, "url")) as db:
        db.cursor().executemany(sql.format("%s"), rows)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_limiter_gives_a_burst_then_one_per_interval_per_key() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate=0.5, burst=3, clock=clock)
    assert [limiter.retry_after("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.retry_after("a") == 2  # one token comes back every 2 s
    assert limiter.retry_after("b") == 0  # another client is not affected
    clock.now += 2.0
    assert limiter.retry_after("a") == 0 and limiter.retry_after("a") > 0


def test_voting_too_often_is_429_for_that_client_only(assistant: Assistant, feedback_location: str) -> None:
    store = open_feedback(feedback_location, Settings())
    app = create_api(assistant)
    add_feedback_route(app, store, RateLimiter(rate=1 / 60, burst=3, clock=FakeClock()))
    hog = TestClient(app, client=("10.0.0.9", 40000))
    assert [hog.post("/api/feedback", json=VOTE).status_code for _ in range(3)] == [200, 200, 200]
    refused = hog.post("/api/feedback", json=VOTE)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert CJK.search(refused.json()["error"])
    assert TestClient(app, client=("10.0.0.1", 40001)).post("/api/feedback", json=VOTE).status_code == 200
    assert len(store.all()) == 4


def test_full_store_refuses_in_chinese_and_keeps_every_row(assistant: Assistant, feedback_location: str) -> None:
    store = open_feedback(feedback_location, Settings(), max_bytes=256 * 1024)
    chars = random.Random(0)  # text PostgreSQL cannot compress much (it would store 答 × 10,000 in a few hundred bytes)
    big = Feedback(question="问题", answer="".join(chr(chars.randint(0x4E00, 0x9FA5)) for _ in range(10_000)),
                   rating="up")
    stored = 0
    with pytest.raises(FeedbackFull, match="反馈存储已满"):
        for _ in range(100):
            store.add(big)
            stored += 1
    assert 0 < stored < 100 and len(store.all()) == stored
    assert stored_bytes(store) <= 256 * 1024
    app = create_api(assistant)
    add_feedback_route(app, store)
    response = TestClient(app).post("/api/feedback", json={**VOTE, "answer": big.answer})
    assert response.status_code == 507 and "已保存的反馈不受影响" in response.json()["error"]
    reopened = open_feedback(feedback_location, Settings(), max_bytes=256 * 1024)
    assert len(reopened.all()) == stored and reopened.all()[0].answer == big.answer


def test_line_break_characters_survive_export_and_qa_eval(feedback_location: str, tmp_path: Path) -> None:
    store = open_feedback(feedback_location, Settings())
    odd = "海淀区\u2028占比\u2029多少\x85？"
    store.add(Feedback(question=odd, answer="62.44%\u2028占比[1]", rating="up", comment="注\u2029释"))
    store.add(Feedback(question="寒武纪是哪一年成立的？", answer="2016年。", rating="down"))
    out = tmp_path / "fb.jsonl"
    assert export_questions(store, out) == 2
    text = out.read_text(encoding="utf-8")
    assert len(text.splitlines()) == 2  # valid JSON Lines for any reader, however it splits lines
    questions, errors = read_questions(out)
    assert errors == [] and [q.q for q in questions] == [odd, "寒武纪是哪一年成立的？"]
    assert questions[0].reference == ("62.44%\u2028占比",)


def test_export_memory_does_not_grow_with_the_store(feedback_location: str, tmp_path: Path) -> None:
    store = open_feedback(feedback_location, Settings())
    answer = "答" * 4_000  # ~12 KB of UTF-8 per row, 24 MB in all
    rows = 2_000
    insert_in_one_transaction(store, ((f"问题{i}", answer) for i in range(rows)))
    tracemalloc.start()
    try:
        written = export_questions(store, tmp_path / "fb.jsonl")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert written == rows
    assert peak < 2 * 1024 * 1024, peak  # a few rows' worth, not the store's
