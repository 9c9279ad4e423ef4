"""Rebuild a document's logical structure from repaired lines: paragraphs, headings, captions and tables.

Output is a list of `Block`s whose texts, joined by newlines, form the cleaned document that every citation
is a verbatim span of. Each block carries its section path, e.g.
("一、北京市人工智能产业发展情况", "2、人工智能企业分布呈现高度集中、海淀独大的态势。").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from qa.ingest.clean import Line, drop_page_furniture, join_wrapped, normalize_spacing, physical_lines
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
    """A logical unit of the cleaned document; `level` is the heading depth (1 = 一、, 2 = 1.), 0 otherwise."""

    kind: BlockKind
    text: str
    level: int = 0
    section: SectionPath = ()
    row: TableRow | None = None
    table_title: str = ""
    label: str = ""
    start: int = 0
    end: int = 0


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


def _paragraph_units(lines: list[Line]) -> list[list[str]]:
    """Group lines into units: one list of wrapped lines per paragraph, caption or table line."""
    column = _column_width(lines)
    units: list[list[str]] = []
    open_paragraph = False
    in_table = False
    for line in lines:
        text = line.text
        if TABLE_TITLE.match(text):
            units.append([text])
            in_table, open_paragraph = True, False
            continue
        if in_table and (is_header(text) or looks_like_row(text)):
            units.append([text])
            continue
        in_table = False
        if CAPTION.match(text):
            units.append([text])  # a caption interrupts, it does not end the paragraph around it
            continue
        if open_paragraph and not _starts_block(text):
            units[-1].append(text)
        else:
            units.append([text])
        open_paragraph = _continues(text, column)
    return units


def _label(text: str) -> str:
    """The lead phrase of an "一是…" item, used as the last step of its section path."""
    lead = re.split(r"[：:，,。；;]", text, maxsplit=1)[0]
    return lead[:24]


def _numbered(prefix: str, match: re.Match[str]) -> str:
    """A caption or table title keeps its "图 N" / "表 N" label apart from its spacing-normalised title."""
    return f"{prefix} {match.group(1)} {normalize_spacing(match.group(2))}"


def build_blocks(raw: str, page_start: str = "form-feed") -> list[Block]:
    """Cleaned, structured blocks of one document, with section paths and character offsets."""
    lines = drop_page_furniture(physical_lines(raw, page_start))
    blocks: list[Block] = []
    chapter = section = item = ""
    columns: list[str] = []
    table_title = ""
    for unit in _paragraph_units(lines):
        first = unit[0]
        if m := TABLE_TITLE.match(first):
            table_title, columns = _numbered("表", m), []
            blocks.append(Block(BlockKind.TABLE_TITLE, table_title, section=_path(chapter, section)))
            continue
        if table_title and not columns and is_header(first):
            columns = first.split()
            blocks.append(Block(BlockKind.TABLE_HEADER, " ".join(columns), section=_path(chapter, section),
                                table_title=table_title))
            continue
        if columns and looks_like_row(first):
            row = parse_row(first, columns)
            blocks.append(Block(BlockKind.TABLE_ROW, row.line, section=_path(chapter, section), row=row,
                                table_title=table_title))
            continue
        table_title, columns = "", []
        if m := CAPTION.match(first):
            blocks.append(Block(BlockKind.CAPTION, _numbered("图", m), section=_path(chapter, section, item),
                                label=f"图 {m.group(1)}"))
            continue
        text = ""
        for piece in unit:
            text = join_wrapped(text, piece)
        text = normalize_spacing(text)
        if not blocks and len(text) <= MAX_HEADING_CHARS and text[-1] not in SENTENCE_END:
            blocks.append(Block(BlockKind.TITLE, text))
        elif CHAPTER.match(text) and len(text) <= MAX_HEADING_CHARS:
            chapter, section, item = text, "", ""
            blocks.append(Block(BlockKind.HEADING, text, level=1, section=_path(chapter)))
        elif SECTION.match(text) and len(text) <= MAX_HEADING_CHARS:
            section, item = text, ""
            blocks.append(Block(BlockKind.HEADING, text, level=2, section=_path(chapter, section)))
        else:
            if LIST_ITEM.match(text):
                item = _label(text)
            blocks.append(Block(BlockKind.PARAGRAPH, text, section=_path(chapter, section, item)))
    return _with_offsets(blocks)


def _path(*parts: str) -> SectionPath:
    return tuple(p for p in parts if p)


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
