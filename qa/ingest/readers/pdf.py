"""PDF (.pdf) with pdfplumber (MIT, on pdfminer.six; PyMuPDF would make the project AGPL): the printed lines of
every page with its 1-based number, ruled tables as rows, headings seen by their larger font.

The lines stay lines here: paragraphs are rejoined and running headers/footers removed later, by the same code
that repairs text files (`qa.ingest.structure`). Text inside a table's box is taken from the table only.
"""

from __future__ import annotations

import io
import logging
from collections import Counter
from typing import Any

import pdfplumber
from pdfplumber.page import Page

from qa.ingest.source import ReadOptions, SourceBlock, SourceDocument, SourceKind

#: A line whose font is this much larger than the body text's is a heading (titles and h1–h3 are 1.2–2×).
HEADING_SIZE_RATIO = 1.15
#: Headings are short; a long line in a large font is display text, not a heading.
MAX_HEADING_CHARS = 40
#: Font sizes closer than this (points) are one heading level.
SIZE_STEP = 0.5

# pdfminer logs a warning per glyph for fonts without a bounding box (Chromium's PDFs): noise, not news.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


#: A pdfplumber object (character, text line): a dict of its properties.
PdfObject = dict[str, Any]


def _line_size(line: PdfObject) -> float:
    """The most common font size of a line's characters."""
    sizes = Counter(round(float(c["size"]) / SIZE_STEP) * SIZE_STEP for c in line["chars"])
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _inside(obj: PdfObject, box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    cx = (float(obj["x0"]) + float(obj["x1"])) / 2
    cy = (float(obj["top"]) + float(obj["bottom"])) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def _cell(text: str | None) -> str:
    return " ".join((text or "").split())


def _page_items(page: Page) -> list[tuple[float, str, Any]]:
    """(top, "line" | "table", text line or rows) of one page, top to bottom."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    text_page = page.filter(lambda o: not any(_inside(o, b) for b in boxes)) if boxes else page
    items: list[tuple[float, str, Any]] = [(float(line["top"]), "line", line)
                                           for line in text_page.extract_text_lines()]
    for table in tables:
        rows = tuple(tuple(_cell(c) for c in row) for row in table.extract())
        items.append((float(table.bbox[1]), "table", rows))
    return sorted(items, key=lambda item: item[0])


def _heading_levels(sizes: list[float], body: float) -> dict[float, int]:
    """Font sizes above the body size, largest first, as heading levels 1, 2, …"""
    larger = sorted({s for s in sizes if s >= body * HEADING_SIZE_RATIO}, reverse=True)
    return {size: level for level, size in enumerate(larger, start=1)}


def read_pdf(data: bytes, source: str, options: ReadOptions) -> SourceDocument:
    """Lines and tables of every page, in reading order, each with its page number."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        title = pdf.metadata.get("Title")
        pages = [_page_items(page) for page in pdf.pages]
    lines = [content for items in pages for _, kind, content in items if kind == "line"]
    char_sizes = Counter(_line_size(line) for line in lines for _ in line["chars"])
    body = char_sizes.most_common(1)[0][0] if char_sizes else 0.0
    levels = _heading_levels([_line_size(line) for line in lines], body)
    blocks: list[SourceBlock] = []
    for number, items in enumerate(pages, start=1):
        first = True
        for _, kind, content in items:
            if kind == "table":
                blocks.append(SourceBlock(SourceKind.TABLE, page=number, rows=content))
                continue
            text = str(content["text"]).strip()
            if not text:
                continue
            level = levels.get(_line_size(content), 0) if len(text) <= MAX_HEADING_CHARS else 0
            blocks.append(SourceBlock(SourceKind.LINE, text, level=level, page=number, starts_page=first))
            first = False
    return SourceDocument(source=source, title=title.strip() if isinstance(title, str) else "",
                          blocks=tuple(blocks), pages=len(pages))
