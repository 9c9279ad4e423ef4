"""The small typed objects the stages hand each other: passages, documents, hits, citations, answers.

Ingest makes `Document`s and `Passage`s, the index stores them, retrieval returns `Hit`s, the answer layer
returns an `Answer` with `Citation`s — the contract object of `qa ask --json` and `POST /api/ask`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cached_property
from enum import Enum

from qa.text import split_statements

#: A passage's place in the document outline: chapter, section, item … (outermost first).
SectionPath = tuple[str, ...]
#: How a section path is shown to people and in the JSON contract.
SECTION_SEPARATOR = " > "


def section_label(path: SectionPath) -> str:
    """"一、概况 > 1、企业" — the path as one line."""
    return SECTION_SEPARATOR.join(path)


class PassageKind(str, Enum):
    """What a passage is; only `TEXT` passages hold statements an answer can quote as a sentence."""

    TITLE = "title"
    HEADING = "heading"
    TEXT = "text"
    CAPTION = "caption"
    TABLE_TITLE = "table_title"
    TABLE_ROW = "table_row"


Cells = tuple[tuple[str, str], ...]
#: Opening headings longer than this state a finding ("3、构建公共平台和服务体系，完善行业生态体系") and are
#: candidate answer sentences; shorter ones ("三、对策建议") only name a topic.
MIN_STATEMENT_HEADING = 16


@dataclass(frozen=True)
class Passage:
    """One retrievable unit. `text` is `document.text[start:end]` verbatim; `index_text` is what the retrievers
    see (section path + text, or a table row phrased with its column names). The first `body_start`
    characters of `text` are the headings it opens with (ingest classified them; later stages need not guess)."""

    id: str
    source: str
    section: SectionPath
    kind: PassageKind
    text: str
    index_text: str
    start: int
    end: int
    body_start: int = 0
    cells: Cells = ()
    #: 1-based page of a paginated source (PDF) where the passage starts; None for sources without pages
    page: int | None = None

    @property
    def headings(self) -> list[str]:
        """The heading lines this passage opens with."""
        return [line for line in self.text[:self.body_start].split("\n") if line.strip()]

    @property
    def body(self) -> str:
        """The text after the opening headings."""
        return self.text[self.body_start:]

    @cached_property
    def statements(self) -> tuple[str, ...]:
        """The sentences an answer may quote, in order: long opening headings, then the body's sentences. Only
        text passages have them; the index stores one vector per statement, in this order. Computed once per
        passage (the answer layer reads them for every candidate of every question)."""
        if self.kind is not PassageKind.TEXT:
            return ()
        found = [h for h in self.headings if len(h) > MIN_STATEMENT_HEADING]
        for line in self.body.split("\n"):
            found.extend(split_statements(line))
        return tuple(found)

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["kind"] = self.kind.value
        data["section"] = list(self.section)
        data["cells"] = [list(c) for c in self.cells]
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> "Passage":
        return cls(**{**data,
                      "kind": PassageKind(data["kind"]),
                      "section": tuple(data["section"]),  # type: ignore[arg-type]
                      "cells": tuple(tuple(c) for c in data.get("cells", ()))})  # type: ignore[union-attr]


@dataclass(frozen=True)
class Document:
    """A cleaned document: its source (path relative to the corpus), title, and the text citations quote."""

    source: str
    title: str
    text: str
    #: page count of a paginated source (PDF), 0 otherwise
    pages: int = 0


@dataclass(frozen=True)
class Hit:
    """A retrieved passage and its fused retrieval score."""

    passage: Passage
    score: float


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer; `text` is a verbatim span of the cleaned corpus."""

    n: int
    id: str
    source: str
    section: str
    text: str
    score: float
    #: 1-based page for PDF passages, None otherwise
    page: int | None = None
    #: the document's title (metadata title, else first heading, else file name without extension)
    title: str = ""


@dataclass
class Answer:
    """The contract object of `qa ask --json` and `POST /api/ask` (../shared/NOTES.md)."""

    question: str
    answer: str
    answered: bool
    citations: list[Citation] = field(default_factory=list)
    latency_ms: float = 0.0
    #: the answer phrase (verbatim from a cited passage) for factoid questions, None otherwise
    short_answer: str | None = None
    #: the question as typed when it was a follow-up rewritten into `question` (None otherwise); not in the
    #: contract object — `/api/ask` shows it as "question" beside "asked_as", the chat as "按上文理解为"
    typed: str | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, object]:
        shown = asdict(self)
        del shown["typed"]
        return shown
