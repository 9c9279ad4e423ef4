"""Tables flattened by PDF extraction: a "表 N …" title, a header line of column names, one line per row.

Cells are separated by spaces, but some cells contain spaces themselves ("D 轮", "6 亿美元"), so a row is
split into as many cells as the header has: short pieces that belong together are rejoined first, and what
is left over belongs to the last column (in report tables the last column is the free-text one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.text import is_cjk
from qa.types import Cells

_ROW_START = re.compile(r"^\d{1,3}\s+\S")
_PLAIN_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_ALIAS_SPLIT = re.compile(r"[（）()]")


@dataclass(frozen=True)
class TableRow:
    """One parsed row: the line as printed and its cells keyed by column name."""

    line: str
    cells: Cells

    def cell(self, column: str) -> str:
        """The value of a column, or "" when the row has no such column."""
        return dict(self.cells).get(column, "")


def is_header(line: str) -> bool:
    """A header line: three or more short space-separated names without digits (序号 企业简称 成立时间 …)."""
    parts = line.split()
    return len(parts) >= 3 and all(len(p) <= 8 and not any(c.isdigit() for c in p) for p in parts)


def looks_like_row(line: str) -> bool:
    """A row line starts with its serial number followed by a space ("1 旷视科技 …"), unlike "4、标题"."""
    return bool(_ROW_START.match(line))


def _rejoin_pieces(parts: list[str]) -> list[str]:
    """Glue a number to its CJK unit ("6 亿美元") and a Latin grade to its CJK suffix ("D 轮")."""
    merged: list[str] = []
    for part in parts:
        if merged and is_cjk(part[0]) and len(part) <= 4:
            prev = merged[-1]
            number_unit = _PLAIN_NUMBER.match(prev) and part[0] in "亿万千百元美人个家%"
            grade_suffix = len(prev) <= 2 and prev.isascii() and prev.isalpha()
            if number_unit or grade_suffix:
                merged[-1] = prev + " " + part
                continue
        merged.append(part)
    return merged


def parse_row(line: str, columns: list[str]) -> TableRow:
    """Split a row line into one cell per column; surplus pieces go to the last column."""
    pieces = _rejoin_pieces(line.split())
    if len(pieces) > len(columns):
        head, tail = pieces[: len(columns) - 1], pieces[len(columns) - 1 :]
        pieces = [*head, " ".join(tail)]
    values = pieces + [""] * (len(columns) - len(pieces))
    return TableRow(line=" ".join(line.split()), cells=tuple(zip(columns, values)))


def describe_row(row: TableRow, skip_columns: tuple[str, ...] = ("序号",)) -> str:
    """The row phrased with its column names ("企业简称：旷视科技；成立时间：2011-10；…")."""
    return "；".join(f"{name}：{value}" for name, value in row.cells if value and name not in skip_columns)


def row_entity(cells: Cells) -> str:
    """The row's name: its first cell that is not a serial number."""
    return next((v for _, v in cells if v and not v.isdigit()), "")


#: Generic endings of Chinese company names that people drop when they speak of the company (旷视科技 → 旷视).
_COMPANY_ENDING = re.compile(r"(?:科技|信息|数据|智能|网络|技术|集团|股份|公司|有限公司)$")


def entity_names(entity: str) -> list[str]:
    """"Geek+（极智嘉科技）" is named as the whole cell, Geek+ or 极智嘉科技; a company name also without its generic
    ending (旷视科技 → 旷视, when at least two characters remain)."""
    parts = [p.strip() for p in _ALIAS_SPLIT.split(entity) if len(p.strip()) >= 2]
    short = [_COMPANY_ENDING.sub("", p) for p in parts]
    return list(dict.fromkeys([entity, *parts, *(s for s in short if len(s) >= 2)]))
