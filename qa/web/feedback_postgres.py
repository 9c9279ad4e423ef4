"""Feedback in PostgreSQL (`--feedback postgresql://…`, psycopg 3): one table that several server replicas on
several machines write to, where a SQLite file would tie them to one machine's disk.

Same rows, queries and limits as the SQLite store (`qa.web.feedback.FeedbackStore`): `add`, `all`,
`latest_per_question`. Each call opens its own short connection (feedback is a few votes a minute, so no pool is
needed and no connection is shared between threads). Every insert and the table's creation take one advisory
lock, so two replicas never race on CREATE TABLE and the size quota holds however many replicas write: an insert
is refused (`FeedbackFull`) when the table's size on disk (heap, TOAST and indexes) plus the new vote's bytes and
one page would pass `max_bytes`. The export reads through a server-side cursor, `_FETCH_ROWS` rows at a time.
"""

from __future__ import annotations

import time
from typing import Any, Iterator

from qa.errors import UserError
from qa.web.feedback import (MAX_STORE_BYTES, Feedback, FeedbackFull, FeedbackUnavailable, feedback_rows,
                             select_feedback, select_latest)

CONNECT_TIMEOUT_S = 10
#: pg_advisory_xact_lock key for creating the table and for each insert ("qa-feedback" as a number)
_LOCK_KEY = 0x71612D6662
#: A new row may open a fresh 8 KB page in the heap, the TOAST table or an index.
_PAGE_BYTES = 8192
#: Rows the export's server-side cursor fetches at a time (a row is at most ~70 KB).
_FETCH_ROWS = 50

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id BIGSERIAL PRIMARY KEY,
    created_at DOUBLE PRECISION NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT NOT NULL DEFAULT ''
)
"""

_INSERT_WITHIN_QUOTA = """
INSERT INTO feedback (created_at, question, answer, rating, comment)
SELECT %s, %s, %s, %s, %s WHERE pg_total_relation_size('feedback') + %s <= %s
RETURNING id
"""


class PostgresFeedbackStore:
    """Append-only feedback rows in a PostgreSQL table of at most `max_bytes`; safe for any number of replicas."""

    def __init__(self, url: str, max_bytes: int = MAX_STORE_BYTES) -> None:
        try:
            import psycopg
            from psycopg.conninfo import conninfo_to_dict
        except ImportError as exc:
            raise UserError("未安装 PostgreSQL 支持：请运行 pip install '.[postgres]'") from exc
        self._psycopg = psycopg
        self.url = url
        self.max_bytes = max_bytes
        try:
            parts = conninfo_to_dict(url)
        except psycopg.Error as exc:
            raise UserError(f"无法识别的 PostgreSQL 地址：{exc}") from None
        #: where the rows go, for messages: the URL without its password
        self.path = f"postgresql://{parts.get('user', '')}@{parts.get('host', '')}:{parts.get('port', 5432)}/" \
                    f"{parts.get('dbname', '')}"
        try:
            with self._connect() as db, db.transaction():
                db.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
                db.execute(_SCHEMA)
        except psycopg.Error as exc:
            raise FeedbackUnavailable(f"无法在 {self.path} 建立反馈表：{str(exc).strip()}") from None

    def _connect(self) -> Any:
        try:
            return self._psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT_S)
        except self._psycopg.Error as exc:
            raise FeedbackUnavailable(f"无法连接反馈数据库 {self.path}：{str(exc).strip()}") from None

    def add(self, item: Feedback) -> int:
        """Store one vote; `FeedbackFull` when the table has reached `max_bytes`."""
        cost = sum(len(text.encode("utf-8")) for text in (item.question, item.answer, item.comment)) + _PAGE_BYTES
        try:
            with self._connect() as db, db.transaction():
                db.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))  # held until commit: sizes are current
                row = db.execute(_INSERT_WITHIN_QUOTA, (time.time(), item.question, item.answer, item.rating,
                                                        item.comment, cost, self.max_bytes)).fetchone()
        except self._psycopg.Error as exc:
            raise FeedbackUnavailable(f"反馈未能写入 {self.path}：{str(exc).strip()}") from None
        if row is None:
            raise FeedbackFull(self.max_bytes)
        return int(row[0])

    def all(self, rating: str | None = None) -> list[Feedback]:
        return list(self._rows(*select_feedback(rating, "%s")))

    def latest_per_question(self, rating: str | None = None) -> Iterator[Feedback]:
        """`select_latest`, read through a server-side cursor."""
        yield from self._rows(*select_latest(rating, "%s"))

    def _rows(self, query: str, args: tuple[str, ...]) -> Iterator[Feedback]:
        try:
            with self._connect() as db, db.cursor(name="qa_feedback_rows") as cursor:
                cursor.itersize = _FETCH_ROWS
                cursor.execute(query, args)
                yield from feedback_rows(cursor)
        except self._psycopg.Error as exc:
            raise FeedbackUnavailable(f"无法读取反馈数据库 {self.path}：{str(exc).strip()}") from None
