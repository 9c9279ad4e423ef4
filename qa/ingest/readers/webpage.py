"""HTML (.html, .htm) with lxml's HTML parser (lxml is already here for python-docx): headings h1–h6,
paragraphs, list items, tables; scripts, styles and other non-text elements dropped.

Text is gathered per block-level element: a run of inline content (text, <span>, <a>, <b> …) between block
boundaries is one paragraph, so text written straight into a <div> is not lost. The page's <title> is the
metadata title. Bytes are decoded like a text file (BOM, UTF-8, else detected), which also covers pages without
a charset declaration.
"""

from __future__ import annotations

import lxml.html
from lxml.etree import ParserError

from qa.ingest.readers.plaintext import decode
from qa.ingest.source import ReadOptions, SourceBlock, SourceDocument, SourceKind, Unreadable

_HEADINGS = {f"h{n}": n for n in range(1, 7)}
#: Not text of the page: code, styles, embedded objects, form controls and navigation menus.
_DROPPED = {"script", "style", "noscript", "template", "svg", "math", "head", "iframe", "object", "canvas",
            "select", "button", "nav"}
#: Elements that end a paragraph: everything else (span, a, b, em, code …) is inline and runs on.
_BLOCK_TAGS = {"html", "body", "main", "article", "section", "div", "header", "footer", "nav", "aside", "p",
               "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "figure", "figcaption", "address",
               "form", "fieldset", "details", "summary", "hr", "br", "center", "table", *_HEADINGS}


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _table_rows(table: lxml.html.HtmlElement) -> tuple[tuple[str, ...], ...]:
    """Cell texts of the table's own rows (not those of a table nested in a cell)."""
    rows = [tuple(_text(cell) for cell in tr if isinstance(cell.tag, str) and cell.tag in ("td", "th"))
            for tr in table.iter("tr") if next(tr.iterancestors("table")) is table]
    return tuple(row for row in rows if any(row))


class _Walker:
    """Emits the blocks of an element tree in document order."""

    def __init__(self) -> None:
        self.blocks: list[SourceBlock] = []
        self.inline: list[str] = []

    def flush(self) -> None:
        text = " ".join("".join(self.inline).split())
        if text:
            self.blocks.append(SourceBlock(SourceKind.PARAGRAPH, text))
        self.inline = []

    def walk(self, element: lxml.html.HtmlElement) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""  # comments and processing instructions: ""
        if tag in _DROPPED or not tag:
            pass
        elif tag in _HEADINGS:
            self.flush()
            if text := _text(element):
                self.blocks.append(SourceBlock(SourceKind.HEADING, text, level=_HEADINGS[tag]))
        elif tag == "table":
            self.flush()
            caption = element.find("caption")
            self.blocks.append(SourceBlock(SourceKind.TABLE, _text(caption) if caption is not None else "",
                                           rows=_table_rows(element)))
        elif tag in _BLOCK_TAGS:
            self.flush()
            self.inline.append(element.text or "")
            for child in element:
                self.walk(child)
            self.flush()
        else:
            self.inline.append(element.text or "")
            for child in element:
                self.walk(child)
        self.inline.append(element.tail or "")


def read_html(data: bytes, source: str, options: ReadOptions) -> SourceDocument:
    text = decode(data)
    if not text.strip():
        return SourceDocument(source=source, title="", blocks=())
    try:
        root = lxml.html.document_fromstring(text)
    except (ParserError, ValueError) as exc:
        raise Unreadable(f"无法解析 HTML（{exc.__class__.__name__}）") from None
    title = root.find(".//title")
    walker = _Walker()
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    return SourceDocument(source=source, title=_text(title) if title is not None else "", blocks=tuple(walker.blocks))
