"""Feedback on answers (👍/👎 with an optional comment): `POST /api/feedback`, a SQLite store beside the index,
and the export that turns it into a question file `qa eval` reads — so a wrong answer becomes a test question.

SQLite (the default) because it is in the standard library, survives crashes (WAL journal) and lets several
server processes on one machine write to one file: every write is its own short transaction with a busy timeout,
and each call opens its own connection, so no connection is shared between threads. Replicas on several machines
share a PostgreSQL table instead (`--feedback postgresql://…`, `qa.web.feedback_postgres`); `open_feedback`
picks the store from the option.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from qa.api import ApiInputError
from qa.config import Settings
from qa.errors import UserError

FILE_NAME = "feedback.sqlite3"
RATINGS = ("up", "down")
MAX_QUESTION_CHARS = 2_000
MAX_ANSWER_CHARS = 20_000
MAX_COMMENT_CHARS = 2_000
_BUSY_TIMEOUT_S = 10.0
_REF = re.compile(r"\[\d{1,2}\]")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at REAL NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT NOT NULL DEFAULT ''
)
"""


def feedback_path(given: str | Path | None, settings: Settings) -> Path:
    """The option's path, else $QA_FEEDBACK, else `feedback.sqlite3` beside the index folder (not inside it:
    index/ holds only derived, rebuildable files)."""
    chosen = given or os.environ.get("QA_FEEDBACK")
    return Path(chosen) if chosen else settings.index_dir.resolve().parent / FILE_NAME


@dataclass(frozen=True)
class Feedback:
    question: str
    answer: str
    rating: str
    comment: str = ""
    id: int = 0
    created_at: float = 0.0


class FeedbackUnavailable(UserError):
    """The feedback database cannot be reached or written just now (HTTP answers 503)."""


class FeedbackBackend(Protocol):
    """What the route and the export need of a store: SQLite (`FeedbackStore`) or PostgreSQL."""

    #: where the rows go, for messages (a file path, or a URL without its password)
    path: object

    def add(self, item: Feedback) -> int: ...

    def all(self, rating: str | None = None) -> list[Feedback]: ...


def open_feedback(given: str | Path | None, settings: Settings) -> FeedbackBackend:
    """The store the option (or $QA_FEEDBACK) names: a `postgresql://` URL, else a SQLite file (default beside
    the index folder)."""
    chosen = str(given or os.environ.get("QA_FEEDBACK") or "")
    if chosen.startswith(("postgresql://", "postgres://")):
        from qa.web.feedback_postgres import PostgresFeedbackStore  # psycopg only when asked for

        return PostgresFeedbackStore(chosen)
    return FeedbackStore(feedback_path(chosen or None, settings))


class FeedbackStore:
    """Append-only feedback rows in one SQLite file; safe for concurrent writers (threads and processes)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as db, db:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise UserError(f"无法打开反馈数据库 {self.path}：{exc}") from None

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_S)
        db.execute(f"PRAGMA busy_timeout={int(_BUSY_TIMEOUT_S * 1000)}")
        return db

    def add(self, item: Feedback) -> int:
        with closing(self._connect()) as db, db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, question, answer, rating, comment) VALUES (?, ?, ?, ?, ?)",
                (time.time(), item.question, item.answer, item.rating, item.comment))
            return int(cursor.lastrowid or 0)

    def all(self, rating: str | None = None) -> list[Feedback]:
        query, args = select_feedback(rating, "?")
        with closing(self._connect()) as db:
            return feedback_rows(db.execute(query, args).fetchall())


def select_feedback(rating: str | None, placeholder: str) -> tuple[str, tuple[str, ...]]:
    """The query for every row (or those of one rating) in id order, in the driver's placeholder style."""
    query = "SELECT id, created_at, question, answer, rating, comment FROM feedback"
    if rating:
        return f"{query} WHERE rating = {placeholder} ORDER BY id", (rating,)
    return f"{query} ORDER BY id", ()


def feedback_rows(rows: list[tuple]) -> list[Feedback]:  # type: ignore[type-arg]
    return [Feedback(id=r[0], created_at=r[1], question=r[2], answer=r[3], rating=r[4], comment=r[5]) for r in rows]


def _field(data: dict[str, object], name: str, limit: int, required: bool = True) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ApiInputError(400, f'"{name}" 字段必须是文本。' if name in data else f'缺少 "{name}" 字段。')
    value = value.strip()
    if required and not value:
        raise ApiInputError(400, f'"{name}" 字段不能为空。')
    if len(value) > limit:
        raise ApiInputError(413, f'"{name}" 字段太长（上限 {limit} 字）。')
    return value


def parse_feedback(raw: bytes) -> Feedback:
    """A `Feedback` from a request body, or ApiInputError with a Chinese message."""
    example = '例如 {"question": "…", "answer": "…", "rating": "down", "comment": "…"}'
    try:
        data = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise ApiInputError(400, f"请求内容不是有效的 UTF-8 JSON，{example}。") from None
    if not isinstance(data, dict):
        raise ApiInputError(400, f"请求内容必须是 JSON 对象，{example}。")
    rating = data.get("rating")
    if rating not in RATINGS:
        raise ApiInputError(400, '"rating" 必须是 "up"（有用）或 "down"（有误）。')
    return Feedback(question=_field(data, "question", MAX_QUESTION_CHARS),
                    answer=_field(data, "answer", MAX_ANSWER_CHARS), rating=str(rating),
                    comment=_field(data, "comment", MAX_COMMENT_CHARS, required=False))


def add_feedback_route(app: FastAPI, store: FeedbackBackend) -> None:
    """`POST /api/feedback` → `{"ok": true}`; bad bodies get the API's Chinese 4xx errors, a database that cannot
    be reached a Chinese 503."""

    @app.post("/api/feedback")
    async def feedback(request: Request) -> JSONResponse:
        # the body is capped and known to be JSON by now (`qa.serving.limits.RequestLimits`)
        item = parse_feedback(await request.body())
        try:
            store.add(item)
        except FeedbackUnavailable as exc:
            return JSONResponse({"error": f"{exc}，请稍后再试。"}, status_code=503)
        return JSONResponse({"ok": True})


def export_questions(store: FeedbackBackend, out: Path, rating: str | None = None) -> int:
    """Write the feedback as a `qa eval` question file (JSONL); returns the number of questions written.

    One line per question (its latest feedback wins), `id` = `fb-<row id>`. A 👍 answer becomes the `reference`
    (char-F1 then warns when a later answer drifts from it); a 👎 question has no keys yet — its wrong answer and
    the comment are kept under `feedback` for whoever writes the `answer`/`evidence` keys."""
    latest: dict[str, Feedback] = {}
    for item in store.all(rating):
        latest.pop(item.question, None)  # re-insert so the order follows the latest feedback
        latest[item.question] = item
    lines = []
    for item in latest.values():
        record: dict[str, object] = {"id": f"fb-{item.id}", "q": item.question, "answer": [], "evidence": [],
                                     "unanswerable": False}
        if item.rating == "up":
            record["reference"] = _REF.sub("", item.answer).strip()
        record["feedback"] = {"rating": item.rating, "comment": item.comment, "answer": item.answer,
                              "at": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(item.created_at))}
        lines.append(json.dumps(record, ensure_ascii=False))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    except OSError as exc:
        raise UserError(f"无法写入 {out}：{exc.strerror or exc}") from None
    return len(lines)
