"""The answer layer's per-passage data kept in Milvus, so a replica holds nothing in proportion to the corpus.

With `--milvus` each row of a build's collection also carries what the answer layer reads about its passage —
the passage itself (JSON), its quotable sentences' vectors (float16, base64) and their POS tags — and the
documents' text (normal form, in overlapping chunks) sits in a second collection `<build>_text` behind the alias
`<prefix>_live_text`. A replica fetches the rows of its hits and of their neighbours in one query and keeps the
last `ROWS_KEPT` in a small cache; whether a question's word occurs anywhere is the term statistics' frequency
lookup first, and only for a word the segmenter never cut that way one `like` query in the engine. What stays in
the replica is bounded by the vocabulary and the corpus's outline and tables (`qa.index.skeleton`), not by its
text: BENCHMARKS.md ("Replica memory") measures it.
"""

from __future__ import annotations

import base64
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np

from qa.index.skeleton import Skeleton
from qa.segment.tokenizer import Segmenter
from qa.text import normal_form
from qa.types import Document, Passage

#: Rows kept in a replica (the hits of recent questions and their neighbours): ~5 KB each.
ROWS_KEPT = 4_096
#: POS-tagged sentences kept in the segmenter for those rows.
TAGS_KEPT = 16_384
#: Whole documents' text kept (the answer layer reads the document of the passage it answers from).
DOCUMENTS_KEPT = 8
#: Neighbours fetched with each hit, either side (the answer layer looks at most two passages away).
NEIGHBOURHOOD = 2
#: Document text chunks: at most 4 bytes a character stays under Milvus's 65,535-byte VARCHAR; chunks overlap so
#: that a word of up to `OVERLAP` + 1 characters is found whole in one of them.
CHUNK_CHARS = 12_000
OVERLAP = 256
#: Chunks read back for a word with a character the engine's `like` pattern cannot hold (a backslash).
SCANNED_CHUNKS = 64
ROW_FIELDS = ["pos", "passage", "statements", "tags"]


def row_fields(passage: Passage, vectors: np.ndarray, tags: Sequence[str | None]) -> dict[str, str]:
    """The answer layer's fields of one passage's row: the passage, its sentence vectors and their tags."""
    return {"passage": json.dumps(passage.to_json(), ensure_ascii=False),
            "statements": base64.b64encode(np.ascontiguousarray(vectors, dtype=np.float16).tobytes()).decode("ascii"),
            "tags": json.dumps(list(tags), ensure_ascii=False)}


@dataclass(frozen=True)
class Row:
    passage: Passage
    #: float16, one row per `passage.statements` sentence
    vectors: np.ndarray


def _row(data: dict[str, Any], dim: int) -> tuple[Row, list[str | None]]:
    passage = Passage.from_json(json.loads(data["passage"]))
    vectors = np.frombuffer(base64.b64decode(data["statements"]), dtype=np.float16).reshape(-1, dim)
    return Row(passage, vectors), json.loads(data["tags"])


def text_chunks(documents: Iterable[Document]) -> Iterable[dict[str, Any]]:
    """Rows of the `_text` collection: each document's normal form (as `AnswerContext` compares it) in chunks."""
    step = CHUNK_CHARS - OVERLAP
    row = 0
    for number, d in enumerate(documents):
        text = normal_form(f"{d.title}\n{d.text}")
        for seq, start in enumerate(range(0, max(len(text), 1), step)):
            yield {"id": row, "doc": number, "seq": seq, "text": text[start:start + CHUNK_CHARS], "unused": [0.0, 0.0]}
            row += 1


def stitched(chunks: Iterable[dict[str, Any]]) -> str:
    """One document's text back from its `text_chunks` rows (any order)."""
    ordered = sorted(chunks, key=lambda c: c["seq"])
    return "".join(c["text"] if i == 0 else c["text"][OVERLAP:] for i, c in enumerate(ordered))


def _like(term: str) -> str:
    """A `like` pattern matching text that holds `term` ("%" and "_" taken literally)."""
    escaped = term.replace("%", "\\\\%").replace("_", "\\\\_").replace('"', '\\"')
    return f'text like "%{escaped}%"'


class MilvusRows:
    """Passages, sentence vectors, tags and document text fetched from the live build in Milvus, a few at a time.

    Thread-safe: answer threads share one instance (the cache and the segmenter's tags change under a lock)."""

    def __init__(self, client: Any, alias: str, text_alias: str, dim: int, skeleton: Skeleton,
                 segmenter: Segmenter) -> None:
        self._client, self._alias, self._text_alias, self._dim = client, alias, text_alias, dim
        self._segmenter = segmenter
        self._rows: OrderedDict[int, Row] = OrderedDict()
        #: passage id → position: the skeleton's always, a fetched row's while it is kept
        self._positions = {p.id: pos for pos, p in skeleton.passages}
        self._fixed = set(self._positions)
        self._documents = {source: n for n, source in enumerate(skeleton.titles)}
        self._texts: OrderedDict[int, str] = OrderedDict()
        self._lock = threading.Lock()

    def _query(self, collection: str, expression: str, fields: list[str], limit: int | None = None) -> list[dict]:
        from qa.index.milvus import MilvusUnavailable  # noqa: PLC0415 — the module imports this one

        try:
            return list(self._client.query(collection, filter=expression, output_fields=fields,
                                           **({"limit": limit} if limit else {})))
        except Exception as exc:  # grpc or server errors: the engine is down or the alias is gone
            raise MilvusUnavailable(f"Milvus 查询失败（{collection}）：{exc}") from exc

    def _fetch(self, positions: Iterable[int]) -> dict[int, Row]:
        """The rows at these positions (those the build has): kept ones from the cache, the rest in one query."""
        wanted = {p for p in positions if p >= 0}
        with self._lock:
            rows = {p: self._rows[p] for p in wanted if p in self._rows}
            for p in rows:
                self._rows.move_to_end(p)
        missing = sorted(wanted - set(rows))
        found = self._query(self._alias, f"pos in {missing}", ROW_FIELDS) if missing else []
        with self._lock:
            for data in found:
                row, tags = _row(data, self._dim)
                pos = int(data["pos"])
                rows[pos] = self._rows[pos] = row
                self._positions[row.passage.id] = pos
                self._segmenter.add_tags(row.passage.statements, tags, TAGS_KEPT)
            while len(self._rows) > ROWS_KEPT:
                _, old = self._rows.popitem(last=False)
                if old.passage.id not in self._fixed:
                    self._positions.pop(old.passage.id, None)
        return rows

    def at(self, positions: list[int]) -> list[Passage | None]:
        """The passages at these index positions (None where the build has none), their neighbours fetched with
        them in the same query."""
        rows = self._fetch(p + step for p in positions for step in range(-NEIGHBOURHOOD, NEIGHBOURHOOD + 1))
        return [rows[p].passage if p in rows else None for p in positions]

    def _position(self, passage: Passage) -> int:
        position = self._positions.get(passage.id)
        if position is None:  # evicted since it was handed out: ask the engine where it is
            escaped = passage.id.replace("\\", "\\\\").replace('"', '\\"')
            found = self._query(self._alias, f'pid == "{escaped}"', ["pos"], limit=1)
            position = int(found[0]["pos"]) if found else -1
        return position

    def _row_of(self, position: int) -> Row | None:
        return self._fetch([position]).get(position)

    def neighbour(self, passage: Passage, step: int) -> Passage | None:
        position = self._position(passage)
        if position < 0:
            return None
        row = self._row_of(position + step)
        return row.passage if row is not None and row.passage.source == passage.source else None

    def vectors_of(self, passage: Passage) -> np.ndarray:
        row = self._row_of(self._position(passage))
        if row is None or row.passage.id != passage.id:
            return np.zeros((len(passage.statements), self._dim), dtype=np.float32)
        return row.vectors.astype(np.float32)

    def document_text(self, source: str) -> str:
        number = self._documents.get(source)
        if number is None:
            return ""
        with self._lock:
            text = self._texts.get(number)
            if text is not None:
                self._texts.move_to_end(number)
                return text
        text = stitched(self._query(self._text_alias, f"doc == {number}", ["seq", "text"]))
        with self._lock:
            self._texts[number] = text
            while len(self._texts) > DOCUMENTS_KEPT:
                self._texts.popitem(last=False)
        return text

    def contains(self, text: str) -> bool:
        """Whether some document's normal form holds `text` (already in normal form): one query in the engine."""
        if not text:
            return True
        if "\\" not in text:
            return bool(self._query(self._text_alias, _like(text[:OVERLAP + 1]), ["id"], limit=1))
        piece = max(text.split("\\"), key=len)
        chunks = self._query(self._text_alias, _like(piece[:OVERLAP + 1]), ["text"], limit=SCANNED_CHUNKS)
        return any(text in c["text"] for c in chunks)
