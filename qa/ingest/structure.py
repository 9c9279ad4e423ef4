"""Rebuild the report's logical structure from repaired lines: paragraphs, headings, captions and tables.

Output is a list of `Block`s whose texts, joined by newlines, form the cleaned document that every
citation is a verbatim span of. Each block carries its section path (e.g.
"一、北京市人工智能产业发展情况 > 2、人工智能企业分布呈现高度集中、海淀独大的态势。").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.ingest.clean import Line, drop_footer_residue, join_wrapped, normalize_spacing, physical_lines
from qa.ingest.table import TABLE_TITLE, TableRow, is_header, looks_like_row, parse_row

CHAPTER = re.compile(r"^[一二三四五六七八九十]+、")
SECTION = re.compile(r"^\d{1,2}[\.．、](?!\d)")
LIST_ITEM = re.compile(r"^[一二三四五六七八九十]是")
SUB_ITEM = re.compile(r"^[(（]\d+[)）]")
CAPTION = re.compile(r"^图\s*(\d+)\s*(.+)$")
_SENTENCE_END = "。！？!?"
#: A numbered line longer than this is a numbered paragraph, not a heading.
MAX_HEADING_CHARS = 40
#: A line narrower than this share of a full line ends its paragraph (the rest of the printed line was empty).
SHORT_LINE_RATIO = 0.75
#: Headings are set in the same font but never justified, so a heading line that stops short of the
#: right margin by more than a couple of characters is complete (measured: complete 41-49, wrapped 51+ of 56).
SHORT_HEADING_RATIO = 0.88
SECTION_SEPARATOR = " > "


@dataclass
class Block:
    """A logical unit of the cleaned document.

    kind: "title", "heading", "paragraph", "caption", "table_title", "table_header" or "table_row".
    level: heading depth (1 = 一、, 2 = 1.), 0 for non-headings.
    """

    kind: str
    text: str
    level: int = 0
    section: tuple[str, ...] = ()
    row: TableRow | None = None
    table_title: str = ""
    label: str = ""
    start: int = 0
    end: int = field(default=0)


def _width(text: str) -> int:
    """Printed width: a CJK character takes two columns, ASCII one."""
    return sum(1 if c.isascii() else 2 for c in text)


def _full_line_width(lines: list[Line]) -> float:
    """The width of a full printed line: the 80th percentile of line widths."""
    widths = sorted(_width(line.text) for line in lines)
    return float(widths[int(len(widths) * 0.8)]) if widths else 0.0


def _starts_block(text: str) -> bool:
    """Lines that always begin a new block: headings, list items, captions, table titles."""
    return any(p.match(text) for p in (CHAPTER, SECTION, LIST_ITEM, SUB_ITEM, CAPTION, TABLE_TITLE))


def _paragraph_units(lines: list[Line]) -> list[list[str]]:
    """Group lines into units: one list of wrapped lines per paragraph, caption or table line."""
    full = _full_line_width(lines)
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
        if not open_paragraph and (CHAPTER.match(text) or SECTION.match(text)):
            ratio = SHORT_HEADING_RATIO
        else:
            ratio = SHORT_LINE_RATIO
        ends = text[-1] in _SENTENCE_END or _width(text) < ratio * full
        open_paragraph = not ends
    return units


def _label(text: str) -> str:
    """The lead phrase of an "一是…" item, used as the last step of its section path."""
    lead = re.split(r"[：:，,。；;]", text, maxsplit=1)[0]
    return lead[:24]


def _caption_text(match: re.Match[str]) -> str:
    """A caption keeps its "图 N" label apart from its spacing-normalised title."""
    return f"图 {match.group(1)} {normalize_spacing(match.group(2))}"


def _table_title_text(match: re.Match[str]) -> str:
    return f"表 {match.group(1)} {normalize_spacing(match.group(2))}"


def build_blocks(raw: str) -> list[Block]:
    """Cleaned, structured blocks of one document, with section paths and character offsets."""
    lines = drop_footer_residue(physical_lines(raw))
    blocks: list[Block] = []
    chapter: str = ""
    section: str = ""
    item: str = ""
    columns: list[str] = []
    table_title = ""
    for unit in _paragraph_units(lines):
        first = unit[0]
        if m := TABLE_TITLE.match(first):
            table_title, columns = _table_title_text(m), []
            blocks.append(Block("table_title", table_title, section=_path(chapter, section)))
            continue
        if table_title and not columns and is_header(first):
            columns = first.split()
            blocks.append(Block("table_header", " ".join(columns), section=_path(chapter, section),
                                table_title=table_title))
            continue
        if columns and looks_like_row(first):
            row = parse_row(first, columns)
            blocks.append(Block("table_row", row.line, section=_path(chapter, section), row=row,
                                table_title=table_title))
            continue
        table_title, columns = "", []
        if m := CAPTION.match(first):
            blocks.append(Block("caption", _caption_text(m), section=_path(chapter, section, item),
                                label=f"图 {m.group(1)}"))
            continue
        text = ""
        for piece in unit:
            text = join_wrapped(text, piece)
        text = normalize_spacing(text)
        if not blocks and len(text) <= MAX_HEADING_CHARS and text[-1] not in _SENTENCE_END:
            blocks.append(Block("title", text))
        elif CHAPTER.match(text) and len(text) <= MAX_HEADING_CHARS:
            chapter, section, item = text, "", ""
            blocks.append(Block("heading", text, level=1, section=_path(chapter)))
        elif SECTION.match(text) and len(text) <= MAX_HEADING_CHARS:
            section, item = text, ""
            blocks.append(Block("heading", text, level=2, section=_path(chapter, section)))
        else:
            if LIST_ITEM.match(text):
                item = _label(text)
            blocks.append(Block("paragraph", text, section=_path(chapter, section, item)))
    return _with_offsets(blocks)


def _path(*parts: str) -> tuple[str, ...]:
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
