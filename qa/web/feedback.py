"""Feedback on answers (👍/👎 with an optional comment): `POST /api/feedback`, a store beside the index, and the
export that turns it into a question file `qa eval` reads — so a wrong answer becomes a test question.

SQLite (the default) because it is in the standard library, survives crashes (WAL journal) and lets several
server processes on one machine write to one file: every write is its own short transaction with a busy timeout,
and each call opens its own connection, so no connection is shared between threads. Replicas on several machines
share a PostgreSQL table instead (`--feedback postgresql://…`, `qa.web.feedback_postgres`); `open_feedback`
picks the store from the option. Both stores run the same queries (`select_feedback`, `select_latest`).

Bounded against abuse (issue 21: one client posted 10,000 maximum-size votes in 20 s, 246 MB): each client
address may vote `VOTE_BURST` times at once and then once every `VOTE_INTERVAL_S` seconds (HTTP 429 with
`Retry-After` beyond that), and the store may not grow past `MAX_STORE_BYTES` — the insert that would pass it is
refused (SQLite's own `max_page_count`; in PostgreSQL a size check in the insert), so a full store answers a
Chinese 507 and keeps every row it holds. The export reads row by row (memory does not grow with the store) and
escapes the characters `qa eval`, like any `str.splitlines`, would take for line ends.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Protocol, Sequence

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from qa.api import ApiInputError, bounded_int
from qa.config import Settings
from qa.errors import UserError
from qa.serving.gate import client_address
from qa.serving.ratelimit import RateLimiter

FILE_NAME = "feedback.sqlite3"
RATINGS = ("up", "down")
MAX_QUESTION_CHARS = 2_000
MAX_ANSWER_CHARS = 20_000
MAX_COMMENT_CHARS = 2_000
_BUSY_TIMEOUT_S = 10.0
#: Largest the feedback store may grow (a vote is at most ~70 KB, a person's a few hundred bytes).
MAX_STORE_BYTES = 100 * 1024 * 1024
#: Votes one client address may send at once, and then one per this many seconds.
VOTE_BURST = 10
VOTE_INTERVAL_S = 6.0
#: Characters `str.splitlines` (so `qa eval`) ends a line at that `json.dumps` leaves unescaped.
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_LINE_BREAK = re.compile("[\x85\u2028\u2029]")
_REF = re.compile(r"\[\d{1,2}\]")
#: Not storable text: lone UTF-16 surrogates (JSON's "\ud800" escape) and NUL, which PostgreSQL's text refuses.
_NOT_TEXT = re.compile("[\ud800-\udfff\x00]")
_COLUMNS = "id, created_at, question, answer, rating, comment"

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


class FeedbackFull(UserError):
    """The store has reached its size limit; what it holds is kept (HTTP answers 507)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"反馈存储已满（上限 {max_bytes // (1024 * 1024) or 1} MB），这条反馈未能保存；"
                         "已保存的反馈不受影响。请管理员导出（qa feedback export）并清理后再试。")


class FeedbackBackend(Protocol):
    """What the route and the export need of a store: SQLite (`FeedbackStore`) or PostgreSQL."""

    #: where the rows go, for messages (a file path, or a URL without its password)
    path: object
    max_bytes: int

    def add(self, item: Feedback) -> int: ...

    def all(self, rating: str | None = None) -> list[Feedback]: ...

    def latest_per_question(self, rating: str | None = None) -> Iterator[Feedback]: ...


def open_feedback(given: str | Path | None, settings: Settings, max_bytes: int = MAX_STORE_BYTES) -> FeedbackBackend:
    """The store the option (or $QA_FEEDBACK) names: a `postgresql://` URL, else a SQLite file (default beside
    the index folder)."""
    chosen = str(given or os.environ.get("QA_FEEDBACK") or "")
    if chosen.startswith(("postgresql://", "postgres://")):
        from qa.web.feedback_postgres import PostgresFeedbackStore  # psycopg only when asked for

        return PostgresFeedbackStore(chosen, max_bytes)
    return FeedbackStore(feedback_path(chosen or None, settings), max_bytes)


def select_feedback(rating: str | None, placeholder: str) -> tuple[str, tuple[str, ...]]:
    """Every row (or those of one rating) in id order, in the driver's placeholder style."""
    where = f" WHERE rating = {placeholder}" if rating else ""
    return f"SELECT {_COLUMNS} FROM feedback{where} ORDER BY id", (rating,) if rating else ()


def select_latest(rating: str | None, placeholder: str) -> tuple[str, tuple[str, ...]]:
    """Each question's latest vote, ordered by that vote; with `rating`, only the questions whose latest vote has
    it (👎, 👎, then 👍 is a 👍 question: the latest vote is chosen before the rating filters)."""
    where = f" WHERE f.rating = {placeholder}" if rating else ""
    columns = ", ".join(f"f.{c}" for c in _COLUMNS.split(", "))
    return (f"SELECT {columns} FROM feedback AS f JOIN "
            "(SELECT MAX(id) AS id FROM feedback GROUP BY question) AS latest ON f.id = latest.id"
            f"{where} ORDER BY f.id", (rating,) if rating else ())


def feedback_rows(rows: Iterable[Sequence[Any]]) -> Iterator[Feedback]:
    """Rows of `_COLUMNS`, as either driver returns them, one at a time."""
    for r in rows:
        yield Feedback(id=r[0], created_at=r[1], question=r[2], answer=r[3], rating=r[4], comment=r[5])


class FeedbackStore:
    """Append-only feedback rows in one SQLite file of at most `max_bytes`; safe for concurrent writers (threads
    and processes)."""

    def __init__(self, path: Path, max_bytes: int = MAX_STORE_BYTES) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
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
        page_size = int(db.execute("PRAGMA page_size").fetchone()[0])
        db.execute(f"PRAGMA max_page_count={max(1, self.max_bytes // page_size)}")  # never below the file's size
        return db

    def add(self, item: Feedback) -> int:
        """Store one vote; `FeedbackFull` when the file has reached `max_bytes` (or the disk is full)."""
        try:
            with closing(self._connect()) as db, db:
                cursor = db.execute(
                    "INSERT INTO feedback (created_at, question, answer, rating, comment) VALUES (?, ?, ?, ?, ?)",
                    (time.time(), item.question, item.answer, item.rating, item.comment))
                return int(cursor.lastrowid or 0)
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_FULL:
                raise
            raise FeedbackFull(self.max_bytes) from None

    def all(self, rating: str | None = None) -> list[Feedback]:
        return list(self._rows(*select_feedback(rating, "?")))

    def latest_per_question(self, rating: str | None = None) -> Iterator[Feedback]:
        """`select_latest`, read row by row."""
        yield from self._rows(*select_latest(rating, "?"))

    def _rows(self, query: str, args: tuple[str, ...]) -> Iterator[Feedback]:
        with closing(self._connect()) as db:
            yield from feedback_rows(db.execute(query, args))


def _field(data: dict[str, object], name: str, limit: int, required: bool = True) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ApiInputError(400, f'"{name}" 字段必须是文本。' if name in data else f'缺少 "{name}" 字段。')
    value = value.strip()
    if _NOT_TEXT.search(value):  # cannot be stored as text in either database
        raise ApiInputError(400, f'"{name}" 字段含有无效的字符（单独的 UTF-16 代理项或 NUL）。')
    if required and not value:
        raise ApiInputError(400, f'"{name}" 字段不能为空。')
    if len(value) > limit:
        raise ApiInputError(413, f'"{name}" 字段太长（上限 {limit} 字）。')
    return value


def parse_feedback(raw: bytes) -> Feedback:
    """A `Feedback` from a request body, or ApiInputError with a Chinese message."""
    example = '例如 {"question": "…", "answer": "…", "rating": "down", "comment": "…"}'
    try:
        data = json.loads(raw.decode("utf-8"), parse_int=bounded_int) if raw.strip() else None
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ApiInputError(400, f"请求内容不是有效的 UTF-8 JSON，{example}。") from None
    if not isinstance(data, dict):
        raise ApiInputError(400, f"请求内容必须是 JSON 对象，{example}。")
    rating = data.get("rating")
    if rating not in RATINGS:
        raise ApiInputError(400, '"rating" 必须是 "up"（有用）或 "down"（有误）。')
    return Feedback(question=_field(data, "question", MAX_QUESTION_CHARS),
                    answer=_field(data, "answer", MAX_ANSWER_CHARS), rating=str(rating),
                    comment=_field(data, "comment", MAX_COMMENT_CHARS, required=False))


def add_feedback_route(app: FastAPI, store: FeedbackBackend, limiter: RateLimiter | None = None) -> None:
    """`POST /api/feedback` → `{"ok": true}`; bad bodies get the API's Chinese 4xx errors, a client voting too
    often 429 (`limiter`, default `VOTE_BURST` / `VOTE_INTERVAL_S`), a full store 507, a database that cannot be
    reached a Chinese 503."""
    votes = limiter or RateLimiter(rate=1 / VOTE_INTERVAL_S, burst=VOTE_BURST)

    @app.post("/api/feedback")
    async def feedback(request: Request) -> JSONResponse:
        wait_s = votes.retry_after(client_address(request))
        if wait_s:
            return JSONResponse({"error": f"反馈提交过于频繁，请 {wait_s} 秒后再试。"}, status_code=429,
                                headers={"Retry-After": str(wait_s)})
        # the body is capped and known to be JSON by now (`qa.serving.limits.RequestLimits`)
        item = parse_feedback(await request.body())
        try:
            store.add(item)
        except FeedbackFull as exc:
            return JSONResponse({"error": str(exc)}, status_code=507)
        except FeedbackUnavailable as exc:
            return JSONResponse({"error": f"{exc}，请稍后再试。"}, status_code=503)
        return JSONResponse({"ok": True})


def json_line(record: object) -> str:
    """One JSON Lines line (with its "\\n") that every line splitter reads as one line: U+2028, U+2029 and U+0085,
    which `json.dumps` leaves raw, are escaped."""
    return _LINE_BREAK.sub(lambda m: _LINE_BREAKS[m.group()], json.dumps(record, ensure_ascii=False)) + "\n"


def _question_record(item: Feedback) -> dict[str, object]:
    record: dict[str, object] = {"id": f"fb-{item.id}", "q": item.question, "answer": [], "evidence": [],
                                 "unanswerable": False}
    if item.rating == "up":
        record["reference"] = _REF.sub("", item.answer).strip()
    record["feedback"] = {"rating": item.rating, "comment": item.comment, "answer": item.answer,
                          "at": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(item.created_at))}
    return record


def export_questions(store: FeedbackBackend, out: Path, rating: str | None = None) -> int:
    """Write the feedback as a `qa eval` question file (JSONL); returns the number of questions written.

    One line per question (its latest vote decides its rating, also under `rating`), `id` = `fb-<row id>`. A 👍
    answer becomes the `reference`
    (char-F1 then warns when a later answer drifts from it); a 👎 question has no keys yet — its wrong answer and
    the comment are kept under `feedback` for whoever writes the `answer`/`evidence` keys. Rows are streamed
    into a file beside `out` that replaces it when complete."""
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex}.tmp")
    written = 0
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("w", encoding="utf-8") as fh:
            for item in store.latest_per_question(rating):
                fh.write(json_line(_question_record(item)))
                written += 1
        os.replace(tmp, out)
    except OSError as exc:
        raise UserError(f"无法写入 {out}：{exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return written
