"""What every reader returns: one structured document, whatever the file format.

Formats differ in how much structure they carry. Word, HTML and Markdown say which text is a heading (and of
what level), a paragraph or a table; PDF and plain text only give printed lines, whose paragraphs, headings and
page furniture must be recovered (`qa.ingest.structure`). Both kinds fit one shape: a title and a sequence of
blocks, where a `LINE` block is a physical line still to be structured and the other kinds are already known.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class SourceKind(str, Enum):
    #: a printed line of a PDF page or a text file: paragraphs, headings and furniture are recovered later
    LINE = "line"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    #: `rows` holds the cells, the header row first; `text` is the table's caption, if it has one
    TABLE = "table"


@dataclass(frozen=True)
class SourceBlock:
    """One block as the reader found it. `level` is a heading's depth (1 = top); on a `LINE` a level above 0
    means the reader saw a heading there (e.g. by a larger font). `page` is 1-based where the source has pages;
    `starts_page` marks the first line of a page (what page furniture is found by)."""

    kind: SourceKind
    text: str = ""
    level: int = 0
    page: int | None = None
    starts_page: bool = False
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class SourceDocument:
    """A read file: `source` is its path relative to the corpus folder, `title` its metadata title ("" when it
    has none), `pages` its page count when its page numbers are worth citing (PDF), else 0."""

    source: str
    title: str
    blocks: tuple[SourceBlock, ...]
    pages: int = 0


@dataclass(frozen=True)
class ReadOptions:
    """What the corpus's qa.toml says about reading its files: how its text files mark a new page."""

    page_start: str = "form-feed"


class Unreadable(Exception):
    """A file that cannot be read as a document; the message is the reason, in Chinese, shown by `qa index`."""
