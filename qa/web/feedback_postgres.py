"""Feedback in PostgreSQL (`--feedback postgresql://…`, psycopg 3): one table that several server replicas on
several machines write to, where a SQLite file would tie them to one machine's disk.

Same rows and the same calls as the SQLite store (`qa.web.feedback.FeedbackStore`): `add`, `all`. Each call opens
its own short connection (feedback is a few votes a minute, so no pool is needed and no connection is shared
between threads); the table is created on first use, under an advisory lock so two replicas starting at once do
not race on CREATE TABLE.
"""

from __future__ import annotations

import time
from typing import Any

from qa.errors import UserError
from qa.web.feedback import Feedback, FeedbackUnavailable, feedback_rows, select_feedback

SCHEMES = ("postgresql://", "postgres://")
CONNECT_TIMEOUT_S = 10
#: pg_advisory_xact_lock key for creating the table ("qa-feedback" as a number)
_LOCK_KEY = 0x71612D6662

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


def is_postgres_url(value: str) -> bool:
    return value.startswith(SCHEMES)


class PostgresFeedbackStore:
    """Append-only feedback rows in a PostgreSQL table; safe for any number of replicas."""

    def __init__(self, url: str) -> None:
        try:
            import psycopg
            from psycopg.conninfo import conninfo_to_dict
        except ImportError as exc:
            raise UserError("未安装 PostgreSQL 支持：请运行 pip install '.[postgres]'") from exc
        self._psycopg = psycopg
        self.url = url
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
        try:
            with self._connect() as db:
                row = db.execute(
                    "INSERT INTO feedback (created_at, question, answer, rating, comment) "
                    "VALUES (%s, %s, %s, %s, %s) RETURNING id",
                    (time.time(), item.question, item.answer, item.rating, item.comment)).fetchone()
        except self._psycopg.Error as exc:
            raise FeedbackUnavailable(f"反馈未能写入 {self.path}：{str(exc).strip()}") from None
        return int(row[0])

    def all(self, rating: str | None = None) -> list[Feedback]:
        query, args = select_feedback(rating, "%s")
        try:
            with self._connect() as db:
                return feedback_rows(db.execute(query, args).fetchall())
        except self._psycopg.Error as exc:
            raise FeedbackUnavailable(f"无法读取反馈数据库 {self.path}：{str(exc).strip()}") from None
