"""The tables of a corpus with a type per column, inferred from the column's values — never from its name.

Every table ingest finds (a PDF's printed "表 N" lines, Markdown/PDF/DOCX/HTML tables) becomes `TABLE_ROW`
passages with `cells`; rows of one table share their document, section path and column names. A column's type
says which questions it can answer: a date column "最早/最晚", an amount or number column "最大/最少", a
category column "处于D轮的有几家"; an event column of free text ("2018.7 融资 6 亿美元") still offers the
dates and amounts most of its cells hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import Callable, Iterable

from qa.ingest.table import row_entity
from qa.ingest.values import find_amount, find_date
from qa.text import normal_form
from qa.types import Passage, PassageKind

#: A column has a type (or holds dates/amounts) when at least this share of its non-empty cells does.
MAJORITY = 0.8
#: A category column repeats its values: at most this share of its cells are distinct …
MAX_CATEGORY_DISTINCT = 0.6
#: … and they are short labels ("D 轮", "战略投资"), not sentences.
MAX_CATEGORY_CHARS = 8
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?%?$")


class ColumnType(str, Enum):
    SERIAL = "serial"      # 1, 2, 3 … row numbers: never compared
    NAME = "name"          # the row's entity ("寒武纪")
    DATE = "date"          # "2016-3", "2016年3月"
    AMOUNT = "amount"      # a number with unit or currency ("6 亿美元")
    NUMBER = "number"      # a bare number ("321", "62.44%")
    CATEGORY = "category"  # a few repeated labels ("B 轮", "战略投资")
    TEXT = "text"


@dataclass(frozen=True)
class Column:
    """A column's name, type, and whether most of its cells hold a date / an amount (also inside text)."""

    name: str
    type: ColumnType
    has_dates: bool
    has_amounts: bool


@dataclass(frozen=True)
class Table:
    """One table: its rows (passages, in document order) and typed columns."""

    title: str
    rows: tuple[Passage, ...]
    columns: tuple[Column, ...]

    @cached_property
    def text(self) -> str:
        """Everything the table says — title, column names, every row — in normal form, computed once per table
        (not once per question): what a question's names are looked up in."""
        return normal_form(self.title + "".join(c.name for c in self.columns) + "".join(p.text for p in self.rows))


def _share(values: list[str], test: Callable[[str], object]) -> float:
    return sum(1 for v in values if test(v)) / len(values)


def _counting(first: int, n: int) -> list[str]:
    return [str(i) for i in range(first, first + n)]


def _whole_date(value: str) -> bool:
    found = find_date(value)
    return found is not None and found.text == value.strip()


def _whole_amount(value: str) -> bool:
    found = find_amount(value)
    return found is not None and found.text == value.strip()


def infer_column(name: str, values: list[str], entities: list[str]) -> Column:
    """The type of one column from its cells (`entities`: each row's name, to recognise the name column)."""
    filled = [v for v in values if v.strip()]
    if not filled:
        return Column(name, ColumnType.TEXT, False, False)
    has_dates = _share(filled, find_date) >= MAJORITY
    has_amounts = _share(filled, find_amount) >= MAJORITY
    if filled == values and [v.strip() for v in values] in (_counting(1, len(values)), _counting(0, len(values))):
        kind = ColumnType.SERIAL
    elif sum(v == e for v, e in zip(values, entities)) >= MAJORITY * len(values):
        kind = ColumnType.NAME
    elif _share(filled, _whole_date) >= MAJORITY:
        kind = ColumnType.DATE
    elif _share(filled, _whole_amount) >= MAJORITY:
        kind = ColumnType.AMOUNT
    elif _share(filled, _PLAIN_NUMBER.match) >= MAJORITY:
        kind = ColumnType.NUMBER
    elif (len(set(filled)) <= MAX_CATEGORY_DISTINCT * len(filled)
          and all(len(v) <= MAX_CATEGORY_CHARS for v in filled)):
        kind = ColumnType.CATEGORY
    else:
        kind = ColumnType.TEXT
    return Column(name, kind, has_dates, has_amounts)


def typed_table(rows: list[Passage]) -> Table:
    """A table of rows sharing their column names, each column typed from its cells."""
    names = [name for name, _ in rows[0].cells]
    entities = [row_entity(r.cells) for r in rows]
    columns = tuple(infer_column(name, [dict(r.cells).get(name, "") for r in rows], entities) for name in names)
    return Table(title=rows[0].section[-1] if rows[0].section else "", rows=tuple(rows), columns=columns)


def corpus_tables(passages: Iterable[Passage]) -> tuple[Table, ...]:
    """Every table of the corpus: table-row passages grouped by document, section and column names."""
    groups: dict[tuple[str, tuple[str, ...], tuple[str, ...]], list[Passage]] = {}
    for p in passages:
        if p.kind is PassageKind.TABLE_ROW and p.cells:
            groups.setdefault((p.source, p.section, tuple(n for n, _ in p.cells)), []).append(p)
    return tuple(typed_table(rows) for rows in groups.values())
