"""Cut structured documents into retrievable passages with stable ids and section paths.

A passage is a run of whole sentences of one section (headings are kept at the start of the first
passage under them), a table row, a caption or a table title. Its `text` is always a verbatim span of
the cleaned document; `index_text` is what the retrievers see (section path + text, or a table row
phrased with its column names), so "商汤科技是什么时候成立的？" meets "成立时间：2014-8".
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from pathlib import PurePosixPath

from qa.config import ChunkingSettings
from qa.ingest.read import RawDocument
from qa.ingest.structure import SECTION_SEPARATOR, Block, build_blocks, cleaned_text
from qa.ingest.table import describe_row

_SENTENCE = re.compile(r"[^。！？!?]*(?:[。！？!?]+[”’」』）)]*|$)")
_SOFT_BREAK = re.compile(r"[^；;]*(?:[；;]|$)")


@dataclass(frozen=True)
class Passage:
    """One retrievable unit. `start`/`end` locate `text` in its document's cleaned text."""

    id: str
    source: str
    section: str
    kind: str
    text: str
    index_text: str
    start: int
    end: int
    cells: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> "Passage":
        cells = tuple(tuple(c) for c in data.get("cells", ()))  # type: ignore[union-attr]
        return cls(**{**data, "cells": cells})  # type: ignore[arg-type]


@dataclass(frozen=True)
class Document:
    """A cleaned document: its source name, title and the text every citation quotes."""

    source: str
    title: str
    text: str


def sentence_spans(text: str, offset: int, max_chars: int) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets; a sentence longer than `max_chars` is cut further at semicolons."""
    spans: list[tuple[int, int]] = []
    for m in _SENTENCE.finditer(text):
        if m.start() == m.end():
            continue
        pieces = [m] if m.end() - m.start() <= max_chars else list(_SOFT_BREAK.finditer(text, m.start(), m.end()))
        for piece in pieces:
            if piece.end() > piece.start():
                spans.append((offset + piece.start(), offset + piece.end()))
    return spans


def _pack(spans: list[tuple[int, int]], chunking: ChunkingSettings) -> list[tuple[int, int]]:
    """Greedily group consecutive sentences until a passage reaches the target size."""
    groups: list[tuple[int, int]] = []
    start, end = spans[0]
    for s, e in spans[1:]:
        if end - start >= chunking.target_chars or e - start > chunking.max_chars:
            groups.append((start, end))
            start = s
        end = e
    groups.append((start, end))
    return groups


def _passage_id(source: str, text: str) -> str:
    """Content-derived id: the same corpus always yields the same ids, whatever else is rebuilt."""
    stem = PurePosixPath(source).stem
    digest = hashlib.sha1(f"{source}\0{text}".encode("utf-8")).hexdigest()[:10]
    return f"{stem}#{digest}"


class _Builder:
    """Walks a document's blocks once, emitting passages; headings wait for the text they introduce."""

    def __init__(self, doc: RawDocument, chunking: ChunkingSettings) -> None:
        self.doc = doc
        self.chunking = chunking
        self.blocks = build_blocks(doc.text)
        self.text = cleaned_text(self.blocks)
        self.passages: list[Passage] = []
        self.headings: Block | None = None
        self.headings_end = 0
        self.group: list[Block] = []

    def emit(self, kind: str, start: int, end: int, section: tuple[str, ...], index_text: str = "",
             cells: tuple[tuple[str, str], ...] = ()) -> None:
        text = self.text[start:end]
        section_text = SECTION_SEPARATOR.join(section)
        self.passages.append(Passage(
            id=_passage_id(self.doc.source, text), source=self.doc.source, section=section_text, kind=kind,
            text=text, index_text=index_text or f"{section_text}\n{text}".strip(), start=start, end=end,
            cells=cells,
        ))

    def flush_group(self) -> None:
        if not self.group:
            return
        spans = [s for b in self.group for s in sentence_spans(b.text, b.start, self.chunking.max_chars)]
        groups = _pack(spans, self.chunking)
        if self.headings is not None:
            groups[0] = (self.headings.start, groups[0][1])
            self.headings = None
        for start, end in groups:
            self.emit("text", start, end, self.group[0].section)
        self.group = []

    def flush_headings(self) -> None:
        """Headings followed by no text of their own (e.g. by a table) become a passage by themselves."""
        if self.headings is not None:
            self.emit("heading", self.headings.start, self.headings_end, self.headings.section)
            self.headings = None

    def build(self) -> list[Passage]:
        for block in self.blocks:
            if block.kind == "paragraph":
                if self.group and self.group[0].section != block.section:
                    self.flush_group()
                self.group.append(block)
                continue
            self.flush_group()
            if block.kind == "heading":
                self.headings = self.headings or block
                self.headings_end = block.end
                continue
            self.flush_headings()
            self._emit_special(block)
        self.flush_group()
        self.flush_headings()
        return self.passages

    def _emit_special(self, block: Block) -> None:
        if block.kind == "table_row" and block.row is not None:
            described = describe_row(block.row)
            self.emit("table_row", block.start, block.end, (*block.section, block.table_title),
                      index_text=f"{block.table_title}\n{described}", cells=block.row.cells)
        elif block.kind == "table_header":
            title = self.passages.pop() if self.passages and self.passages[-1].kind == "table_title" else None
            start = title.start if title else block.start
            self.emit("table_title", start, block.end, block.section)
        elif block.kind == "table_title":
            self.emit("table_title", block.start, block.end, block.section)
        elif block.kind == "caption":
            self.emit("caption", block.start, block.end, block.section)
        elif block.kind == "title":
            self.emit("title", block.start, block.end, ())


def build_document(doc: RawDocument, chunking: ChunkingSettings) -> tuple[Document, list[Passage]]:
    """The cleaned document and its passages."""
    builder = _Builder(doc, chunking)
    passages = builder.build()
    title = next((b.text for b in builder.blocks if b.kind == "title"), PurePosixPath(doc.source).stem)
    return Document(source=doc.source, title=title, text=builder.text), passages


#: For every section path prefix: its child sections, each with the passage that opens it.
SectionTree = dict[tuple[str, ...], dict[str, Passage]]


def section_tree(passages: list[Passage]) -> SectionTree:
    """The report's outline as found in passage section paths (tables and captions are not sections)."""
    tree: SectionTree = {}
    for p in passages:
        if p.kind not in ("text", "heading") or not p.section:
            continue
        path = tuple(p.section.split(SECTION_SEPARATOR))
        for depth in range(1, len(path)):
            tree.setdefault(path[:depth], {}).setdefault(path[depth], p)
    return tree


def build_passages(docs: list[RawDocument], chunking: ChunkingSettings) -> tuple[list[Document], list[Passage]]:
    """Cleaned documents and all their passages, in corpus order; duplicate ids get a numeric suffix."""
    documents: list[Document] = []
    passages: list[Passage] = []
    seen: dict[str, int] = {}
    for doc in docs:
        document, doc_passages = build_document(doc, chunking)
        documents.append(document)
        for p in doc_passages:
            count = seen.get(p.id, 0)
            seen[p.id] = count + 1
            passages.append(p if count == 0 else Passage(**{**p.__dict__, "id": f"{p.id}-{count}"}))
    return documents, passages
