"""Rebuild a document's logical structure from what its reader found: paragraphs, headings, captions, tables.

Printed lines (PDF, text files) are repaired first — page numbers and running headers/footers dropped, hard
wraps rejoined by column width — and their headings recognised by numbering ("一、", "1、") or by the larger
font the reader saw. Blocks a reader already knows (Word/HTML/Markdown headings, paragraphs, tables) are taken
as they are. Both end up as one list of `Block`s whose texts, joined by newlines, form the cleaned document
that every citation is a verbatim span of. Each block carries its section path, e.g.
("一、北京市人工智能产业发展情况", "2、人工智能企业分布呈现高度集中、海淀独大的态势。"), and its page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from qa.ingest.clean import Line, drop_page_furniture, is_page_number, join_wrapped, normalize_spacing
from qa.ingest.source import SourceBlock, SourceDocument, SourceKind
from qa.ingest.table import TableRow, is_header, looks_like_row, parse_row
from qa.text import CAPTION, CHAPTER, LIST_ITEM, SECTION, SENTENCE_END, SUB_ITEM, TABLE_TITLE
from qa.types import SectionPath

#: A numbered line longer than this is a numbered paragraph, not a heading.
MAX_HEADING_CHARS = 40
#: A hard-wrapped line fills its column; one that stops more than this many CJK characters short of the
#: column ended its paragraph. Justified text misses the column only by what the width estimate gets wrong
#: (Latin letters and digits are narrower than the one column counted here) — about two characters.
WRAP_SLACK_CHARS = 3
#: The column width is this percentile of line widths (most lines of a report are full).
COLUMN_PERCENTILE = 0.8
#: Headings known by their numbering alone rank below every heading a reader saw (by font, style or tag).
PATTERN_RANK = 10


class BlockKind(str, Enum):
    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    CAPTION = "caption"
    TABLE_TITLE = "table_title"
    TABLE_HEADER = "table_header"
    TABLE_ROW = "table_row"


@dataclass
class Block:
    """A logical unit of the cleaned document; `level` is the heading's depth in the outline (1 = top), 0 for
    other blocks; `page` is where it starts (paginated sources only)."""

    kind: BlockKind
    text: str
    level: int = 0
    section: SectionPath = ()
    row: TableRow | None = None
    table_title: str = ""
    label: str = ""
    start: int = 0
    end: int = 0
    page: int | None = None


def _width(text: str) -> int:
    """Printed width: a CJK character takes two columns, ASCII one."""
    return sum(1 if c.isascii() else 2 for c in text)


def _column_width(lines: list[Line]) -> float:
    """The width of a full printed line."""
    widths = sorted(_width(line.text) for line in lines)
    return float(widths[int(len(widths) * COLUMN_PERCENTILE)]) if widths else 0.0


def _starts_block(text: str) -> bool:
    """Lines that always begin a new block: headings, list items, captions, table titles."""
    return any(p.match(text) for p in (CHAPTER, SECTION, LIST_ITEM, SUB_ITEM, CAPTION, TABLE_TITLE))


def _continues(text: str, column: float) -> bool:
    """A line runs on into the next when it neither ends a sentence nor stops short of the column."""
    return text[-1] not in SENTENCE_END and _width(text) >= column - 2 * WRAP_SLACK_CHARS


def _paragraph_units(lines: list[Line], column: float) -> list[list[Line]]:
    """Group lines into units: one list of wrapped lines per paragraph, caption, heading or table line."""
    units: list[list[Line]] = []
    open_paragraph = False
    in_table = False
    for line in lines:
        text = line.text
        if line.level or TABLE_TITLE.match(text):
            units.append([line])  # a heading the reader saw, or a table title: a unit of its own
            in_table, open_paragraph = not line.level, False
            continue
        if in_table and (is_header(text) or looks_like_row(text)):
            units.append([line])
            continue
        in_table = False
        if CAPTION.match(text):
            units.append([line])  # a caption interrupts, it does not end the paragraph around it
            continue
        if open_paragraph and not _starts_block(text):
            units[-1].append(line)
        else:
            units.append([line])
        open_paragraph = _continues(text, column)
    return units


def _label(text: str) -> str:
    """The lead phrase of an "一是…" item, used as the last step of its section path."""
    lead = re.split(r"[：:，,。；;]", text, maxsplit=1)[0]
    return lead[:24]


def _numbered(prefix: str, match: re.Match[str]) -> str:
    """A caption or table title keeps its "图 N" / "表 N" label apart from its spacing-normalised title."""
    return f"{prefix} {match.group(1)} {normalize_spacing(match.group(2))}"


def _lines(source: SourceDocument) -> list[Line]:
    """The source's printed lines without page-number lines (a dropped page start passes its mark on)."""
    lines: list[Line] = []
    carry = False
    for seq, block in enumerate(source.blocks):
        if block.kind is not SourceKind.LINE:
            continue
        if is_page_number(block.text):
            carry = carry or block.starts_page
            continue
        lines.append(Line(block.text, block.starts_page or carry, block.page, block.level, seq))
        carry = False
    return lines


def _cell_text(text: str) -> str:
    return normalize_spacing(" ".join(text.split()))


class _Outline:
    """The headings in force, outermost first, each with its rank (lower ranks enclose higher ones), and the
    lead phrase of the current "一是…" item."""

    def __init__(self) -> None:
        self.headings: list[tuple[int, str]] = []
        self.item = ""

    def enter(self, rank: int, text: str) -> int:
        """A new heading closes every heading of the same or a lower rank; returns its depth."""
        self.headings = [h for h in self.headings if h[0] < rank] + [(rank, text)]
        self.item = ""
        return len(self.headings)

    def path(self, with_item: bool = True) -> SectionPath:
        return tuple(text for _, text in self.headings) + ((self.item,) if with_item and self.item else ())


class _Structurer:
    """Turns units of printed lines and reader-made blocks into `Block`s, in document order."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.outline = _Outline()
        self.table_title = ""
        self.columns: list[str] = []

    def add(self, kind: BlockKind, text: str, page: int | None, **fields: object) -> None:
        self.blocks.append(Block(kind, text, page=page, **fields))  # type: ignore[arg-type]

    def heading(self, rank: int, text: str, page: int | None) -> None:
        depth = self.outline.enter(rank, text)
        self.add(BlockKind.HEADING, text, page, level=depth, section=self.outline.path())

    def text_block(self, text: str, page: int | None, may_be_title: bool = False) -> None:
        """A paragraph: the document's title when it opens printed lines short and unpunctuated, a heading
        when it is numbered like one, else body text (an "一是…" item names the section path's last step)."""
        if not text:
            return
        short = len(text) <= MAX_HEADING_CHARS
        if may_be_title and not self.blocks and short and text[-1] not in SENTENCE_END:
            self.add(BlockKind.TITLE, text, page)
        elif CHAPTER.match(text) and short:
            self.heading(PATTERN_RANK + 1, text, page)
        elif SECTION.match(text) and short:
            self.heading(PATTERN_RANK + 2, text, page)
        else:
            if LIST_ITEM.match(text):
                self.outline.item = _label(text)
            self.add(BlockKind.PARAGRAPH, text, page, section=self.outline.path())

    def line_unit(self, unit: list[Line]) -> None:
        first, page = unit[0].text, unit[0].page
        if unit[0].level:
            text = normalize_spacing(first)
            if not self.blocks and len(text) <= MAX_HEADING_CHARS:
                self.add(BlockKind.TITLE, text, page)
            else:
                self.heading(unit[0].level, text, page)
            return
        if m := TABLE_TITLE.match(first):
            self.table_title, self.columns = _numbered("表", m), []
            self.add(BlockKind.TABLE_TITLE, self.table_title, page, section=self.outline.path(False))
            return
        if self.table_title and not self.columns and is_header(first):
            self.columns = first.split()
            self.add(BlockKind.TABLE_HEADER, " ".join(self.columns), page, section=self.outline.path(False),
                     table_title=self.table_title)
            return
        if self.columns and looks_like_row(first):
            row = parse_row(first, self.columns)
            self.add(BlockKind.TABLE_ROW, row.line, page, section=self.outline.path(False), row=row,
                     table_title=self.table_title)
            return
        self.table_title, self.columns = "", []
        if m := CAPTION.match(first):
            self.add(BlockKind.CAPTION, _numbered("图", m), page, section=self.outline.path(), label=f"图 {m.group(1)}")
            return
        text = ""
        for piece in unit:
            text = join_wrapped(text, piece.text)
        self.text_block(normalize_spacing(text), page, may_be_title=True)

    def reader_block(self, block: SourceBlock, is_title: bool) -> None:
        """A block whose kind the reader knew: a heading, a paragraph (one per line break) or a table."""
        if block.kind is SourceKind.TABLE:
            self.table(block)
            return
        self.table_title, self.columns = "", []
        if block.kind is SourceKind.HEADING:
            text = _cell_text(block.text)
            if is_title:
                self.add(BlockKind.TITLE, text, block.page)
            elif text:
                self.heading(block.level, text, block.page)
            return
        for piece in (_cell_text(p) for p in block.text.split("\n")):
            if not piece:
                continue
            if m := TABLE_TITLE.match(piece):
                self.table_title = _numbered("表", m)
                self.add(BlockKind.TABLE_TITLE, self.table_title, block.page, section=self.outline.path(False))
            elif m := CAPTION.match(piece):
                self.add(BlockKind.CAPTION, _numbered("图", m), block.page, section=self.outline.path(),
                         label=f"图 {m.group(1)}")
            else:
                self.text_block(piece, block.page)

    def table(self, block: SourceBlock) -> None:
        """A table's header row names its columns; every further row becomes a row block. The caption, or a
        "表 N …" paragraph just before, is its title."""
        rows = [tuple(_cell_text(c) for c in row) for row in block.rows]
        rows = [row for row in rows if any(row)]
        if len(rows) < 2:  # a one-row table is a line of text
            for row in rows:
                self.text_block(" ".join(c for c in row if c), block.page)
            return
        if caption := " ".join(block.text.split()):
            m = TABLE_TITLE.match(caption)
            self.table_title = _numbered("表", m) if m else normalize_spacing(caption)
            self.add(BlockKind.TABLE_TITLE, self.table_title, block.page, section=self.outline.path(False))
        width = max(len(row) for row in rows)
        columns = [name or f"第{i + 1}列" for i, name in enumerate([*rows[0], *[""] * (width - len(rows[0]))])]
        section = self.outline.path(False)
        self.add(BlockKind.TABLE_HEADER, " ".join(c for c in rows[0] if c), block.page, section=section,
                 table_title=self.table_title)
        for values in rows[1:]:
            cells = tuple(zip(columns, [*values, *[""] * (width - len(values))]))
            row = TableRow(line=" ".join(v for v in values if v), cells=cells)
            self.add(BlockKind.TABLE_ROW, row.line, block.page, section=section, row=row,
                     table_title=self.table_title)
        self.table_title = ""


def _opens_with_title(source: SourceDocument) -> bool:
    """A document whose first block is a heading that no later heading outranks opens with its title."""
    headings = [b for b in source.blocks if b.kind is SourceKind.HEADING]
    first = source.blocks[0] if source.blocks else None
    return (first is not None and first.kind is SourceKind.HEADING
            and all(h.level > first.level for h in headings[1:]))


def build_blocks(source: SourceDocument) -> list[Block]:
    """Cleaned, structured blocks of one document, with section paths, pages and character offsets."""
    lines = drop_page_furniture(_lines(source))
    column = _column_width(lines)
    title_first = _opens_with_title(source)
    items: list[tuple[int, Line | SourceBlock]] = [(line.seq, line) for line in lines]
    items += [(seq, b) for seq, b in enumerate(source.blocks) if b.kind is not SourceKind.LINE]
    structurer = _Structurer()
    run: list[Line] = []
    for seq, item in sorted(items, key=lambda pair: pair[0]):
        if isinstance(item, Line):
            run.append(item)
            continue
        for unit in _paragraph_units(run, column):
            structurer.line_unit(unit)
        run = []
        structurer.reader_block(item, is_title=title_first and seq == 0)
    for unit in _paragraph_units(run, column):
        structurer.line_unit(unit)
    return _with_offsets(structurer.blocks)


def _with_offsets(blocks: list[Block]) -> list[Block]:
    """Record where each block sits in the cleaned document text (blocks joined by newlines)."""
    offset = 0
    for block in blocks:
        block.start, block.end = offset, offset + len(block.text)
        offset = block.end + 1
    return blocks


def cleaned_text(blocks: list[Block]) -> str:
    """The cleaned document: what citations quote verbatim."""
    return "\n".join(b.text for b in blocks)
