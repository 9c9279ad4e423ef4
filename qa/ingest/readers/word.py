"""Word (.docx) with python-docx: paragraphs and tables in document order, headings by their style.

Word marks headings by paragraph style ("Heading 2", in Chinese Word "标题 2") or, for custom styles, by an
outline level; the "Title" style is the document's title (level 0, above every heading). The metadata title
comes from the file's core properties.
"""

from __future__ import annotations

import io
import re

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from qa.ingest.source import ReadOptions, SourceBlock, SourceDocument, SourceKind

_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_TITLE_STYLES = {"title", "标题"}


def _outline_level(paragraph: Paragraph) -> int:
    """The paragraph's (or its style's) outline level, 1-based; 0 when it is body text."""
    for element in (paragraph._p.pPr, paragraph.style.element.pPr if paragraph.style is not None else None):
        level = element.find(qn("w:outlineLvl")) if element is not None else None
        if level is not None:
            value = int(level.get(qn("w:val"), "9"))
            return value + 1 if value < 9 else 0
    return 0


def heading_level(paragraph: Paragraph) -> int | None:
    """0 for the title, 1… for headings, None for body text."""
    name = (paragraph.style.name if paragraph.style is not None else "").strip()
    if name.lower() in _TITLE_STYLES:
        return 0
    if m := _HEADING_STYLE.match(name):
        return int(m.group(1))
    return _outline_level(paragraph) or None


def _rows(table: Table) -> tuple[tuple[str, ...], ...]:
    """Cell texts row by row; a merged cell is counted once (python-docx repeats it for every grid column)."""
    rows = []
    for row in table.rows:
        cells: list[str] = []
        seen: list[object] = []  # the cell elements themselves: holding them keeps lxml's proxies identical
        for cell in row.cells:
            if not any(cell._tc is tc for tc in seen):
                seen.append(cell._tc)
                cells.append(" ".join(cell.text.split()))
        rows.append(tuple(cells))
    return tuple(rows)


def read_docx(data: bytes, source: str, options: ReadOptions) -> SourceDocument:
    document = docx.Document(io.BytesIO(data))
    blocks: list[SourceBlock] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks.append(SourceBlock(SourceKind.TABLE, rows=_rows(item)))
            continue
        text = item.text.strip()
        if not text:
            continue
        level = heading_level(item)
        if level is None:
            blocks.append(SourceBlock(SourceKind.PARAGRAPH, text))
        else:
            blocks.append(SourceBlock(SourceKind.HEADING, text, level=level))
    return SourceDocument(source=source, title=(document.core_properties.title or "").strip(), blocks=tuple(blocks))
