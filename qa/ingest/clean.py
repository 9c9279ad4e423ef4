"""Repair text-extraction damage at the level of physical lines and characters.

A PDF turned into text keeps every printed line as its own line, numbers pages, and leaves page furniture
(running headers and footers, sometimes a footer's first character glued to the page's last line). What counts
as furniture is decided by repetition across page breaks, never by fixed strings, and a character is only
removed where it makes no word with its neighbours ("河北\\n 省" keeps 河北, "其中北\\n京" keeps 北京).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

import jieba

from qa.text import CJK_CHARS, SENTENCE_END, is_cjk

#: A line that is only a page number: "12", "- 3 -", "3/12", "第 3 页", "第3页 共12页", "Page 3 of 12".
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]?\s*\d{1,4}\s*[-—–]?|\d+\s*/\s*\d+|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
                          r"|共\s*\d+\s*页\s*[,，/]?\s*第\s*\d+\s*页|page\s*\d+(?:\s*(?:of|/)\s*\d+)?)\s*$", re.IGNORECASE)
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{CJK_CHARS}])[ \t]+|[ \t]+(?=[{CJK_CHARS}])")
_SPACES = re.compile(r"[ \t]+")
_DIGITS = re.compile(r"\d+")
#: Furniture must recur at this many page breaks, and at this share of them, before anything is removed.
MIN_REPEATS = 3
MIN_SHARE = 1 / 3
#: Running headers and footers are short lines (a date, a title and a page number fit).
MAX_FURNITURE_CHARS = 80
#: Headers and footers may be several lines deep (a date line above a title line): peeled this many times.
FURNITURE_LAYERS = 3

jieba.setLogLevel(logging.WARNING)


@dataclass(frozen=True)
class Line:
    """A printed line: its text without surrounding spaces, whether a page starts here, its page (paginated
    sources), the heading level its reader saw (0: none) and its position among the source's blocks."""

    text: str
    starts_page: bool
    page: int | None = None
    level: int = 0
    seq: int = 0


def is_page_number(text: str) -> bool:
    """Whether a line is nothing but a page number."""
    return bool(_PAGE_NUMBER.match(text))


@lru_cache(maxsize=4096)
def is_word(text: str) -> bool:
    """Whether jieba's dictionary knows `text` as a word (its prefix entries have frequency 0)."""
    jieba.dt.check_initialized()
    return jieba.dt.FREQ.get(text, 0) > 0


def _page_end_positions(lines: list[Line]) -> list[int]:
    """Indices of lines that end a page (the line before a page start, and the last line)."""
    if not lines:
        return []
    return [i for i in range(len(lines) - 1) if lines[i + 1].starts_page] + [len(lines) - 1]


def _page_boundaries(lines: list[Line], ends: list[int]) -> set[int]:
    """Indices of the first and last line of every page."""
    return {0, *ends, *(i + 1 for i in ends if i + 1 < len(lines))}


def _furniture_lines(lines: list[Line], boundaries: set[int], pages: int) -> set[str]:
    """Short lines (digits ignored) that recur at the first or last line of many pages: headers and footers."""
    counts = Counter(_DIGITS.sub("#", lines[i].text) for i in boundaries if len(lines[i].text) <= MAX_FURNITURE_CHARS)
    return {text for text, n in counts.items() if n >= MIN_REPEATS and n >= MIN_SHARE * pages}


def _residue_chars(lines: list[Line], ends: list[int]) -> set[str]:
    """Characters that end the last line of many pages: a footer's first letter glued to the text."""
    counts = Counter(lines[i].text[-1] for i in ends if is_cjk(lines[i].text[-1]))
    return {c for c, n in counts.items() if n >= MIN_REPEATS and n >= MIN_SHARE * len(ends)
            and c not in SENTENCE_END and c.isalpha()}


def _without_residue(text: str, residue: set[str], following: str) -> str:
    """`text` without its last character when that is residue making no word with either neighbour."""
    last = text[-1]
    before = text[:-1].rstrip()
    if last not in residue:
        return text
    if before and text[-2] == before[-1] and is_word(before[-1] + last):
        return text  # 河北 at a page end
    if following and is_word(last + following[0]):
        return text  # 北 + 京 on the next page
    return before


def _drop_furniture_layer(lines: list[Line]) -> list[Line]:
    """Lines without the header/footer lines found at page edges; a dropped page start passes its mark on."""
    ends = _page_end_positions(lines)
    if len(ends) < MIN_REPEATS:
        return lines
    # a page's only line is its content, whatever repeats
    boundaries = _page_boundaries(lines, ends) - {i for i in ends if i == 0 or lines[i].starts_page}
    furniture = _furniture_lines(lines, boundaries, len(ends))
    kept: list[Line] = []
    carry = False
    for i, line in enumerate(lines):
        if i in boundaries and _DIGITS.sub("#", line.text) in furniture:
            carry = carry or line.starts_page
            continue
        kept.append(replace(line, starts_page=True) if carry else line)
        carry = False
    return kept


def _drop_residue(lines: list[Line], residue: set[str]) -> list[Line]:
    """Lines without footer residue characters at page ends."""
    if not residue:
        return lines
    end_set = set(_page_end_positions(lines))
    repaired: list[Line] = []
    for i, line in enumerate(lines):
        text = line.text
        if i in end_set:
            following = lines[i + 1].text if i + 1 < len(lines) else ""
            text = _without_residue(text, residue, following)
        if text:
            repaired.append(replace(line, text=text))
    return repaired


def drop_page_furniture(lines: list[Line]) -> list[Line]:
    """Remove running header/footer lines, layer by layer (a date line above a title line), then footer residue
    characters (counted at the page ends as printed) — all found by repetition across pages."""
    ends = _page_end_positions(lines)
    residue = _residue_chars(lines, ends) if len(ends) >= MIN_REPEATS else set()
    for _ in range(FURNITURE_LAYERS):
        peeled = _drop_furniture_layer(lines)
        if len(peeled) == len(lines):
            break
        lines = peeled
    return _drop_residue(lines, residue)


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
