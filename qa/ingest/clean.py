"""Repair PDF-extraction damage at the level of physical lines and characters.

The report was extracted from a PDF: every printed line is its own text line (with blank lines between),
a page's first line starts with a space, and the page footer left a lone "北" at the end of the line before
a page break. These helpers undo that without touching real text (北京 stays 北京).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Characters that make a "北" at a line end part of a real word with the next line (北京, 北方 …).
_BEI_WORD_STARTS = frozenset("京方部美欧大侧极边面")
_FOOTER_RESIDUE = "北"
_PAGE_NUMBER = re.compile(r"^\s*(?:第\s*\d+\s*页|[-—–]?\s*\d{1,3}\s*[-—–]?|\d+\s*/\s*\d+)\s*$")

_CJK = r"\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")
_SPACES = re.compile(r"[ \t]+")
_IS_CJK = re.compile(rf"[{_CJK}]")


@dataclass(frozen=True)
class Line:
    """A non-empty physical line: its text without surrounding spaces, and whether a page starts here."""

    text: str
    starts_page: bool


def is_cjk(char: str) -> bool:
    """True for CJK ideographs and full-width punctuation, which are written without spaces around them."""
    return bool(_IS_CJK.match(char))


def physical_lines(raw: str) -> list[Line]:
    """Non-empty lines with page-number lines dropped; a leading space marks the first line of a page."""
    raw = raw.replace("\u3000", " ").replace("\t", " ").replace("\f", "\n ")
    lines: list[Line] = []
    for text in raw.split("\n"):
        stripped = text.strip()
        if not stripped or _PAGE_NUMBER.match(stripped):
            continue
        lines.append(Line(text=stripped, starts_page=text.startswith(" ")))
    return lines


def drop_footer_residue(lines: list[Line]) -> list[Line]:
    """Remove the lone footer "北" left at the end of the last line of a page.

    It is residue only where the next line starts a new page (or the document ends) and the next line's
    first character does not make a word with it, so "…其中北\\n京人工智能…" keeps its 北京.
    """
    repaired: list[Line] = []
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        at_page_end = nxt is None or nxt.starts_page
        text = line.text
        if text.endswith(_FOOTER_RESIDUE) and at_page_end and (nxt is None or nxt.text[0] not in _BEI_WORD_STARTS):
            text = text[: -len(_FOOTER_RESIDUE)].rstrip()
        if text:
            repaired.append(Line(text=text, starts_page=line.starts_page))
    return repaired


def join_wrapped(left: str, right: str) -> str:
    """Join two pieces of one sentence broken by a hard line break: no space unless both sides are Latin."""
    if not left or not right:
        return left + right
    if is_cjk(left[-1]) or is_cjk(right[0]):
        return left + right
    if left[-1].isalnum() and right[0].isalnum():
        return f"{left} {right}"
    return left + right


def normalize_spacing(text: str) -> str:
    """Drop spaces next to CJK characters ("1270 亿美元" → "1270亿美元"); keep single spaces between Latin words."""
    text = _SPACE_NEXT_TO_CJK.sub("", text)
    return _SPACES.sub(" ", text).strip()


def search_normal_form(text: str) -> str:
    """NFKC, lower case, no whitespace: the form in which answers and evidence are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()
