"""Answers that come from the report's structure rather than from one sentence.

- Table rows: a question naming a table entity ("寒武纪是哪一年成立的？") is answered with that row,
  phrased with the table's column names.
- Outlines: a "哪几条/哪些" question whose terms cover a heading ("报告提出了哪几条对策建议？") is
  answered with the headings (or "一是…二是…" items) under it, each cited to the passage it opens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answer.context import SectionTree
from qa.answer.features import WeightedTerms
from qa.ingest.table import entity_names, row_entity
from qa.text import normal_form
from qa.types import Hit, Passage, PassageKind

_TABLE_LABEL = re.compile(r"表\s*\d+")
#: A cell value shorter than this ("B", "10") is too ambiguous to filter rows by.
MIN_FILTER_VALUE_CHARS = 2


@dataclass(frozen=True)
class Outline:
    """A heading and, per child section, its name and the passage that opens it."""

    heading: str
    children: list[tuple[str, Passage]]


def entity_aliases(passage: Passage) -> list[str]:
    """A table row's name and aliases in normal form ("Geek+（极智嘉科技）" → geek+, 极智嘉科技, …)."""
    return [normal_form(a) for a in entity_names(row_entity(passage.cells))]


def rows_named_in(question: str, hits: list[Hit]) -> list[Passage]:
    """Retrieved table rows whose entity the question names, in retrieval order."""
    q = normal_form(question)
    return [h.passage for h in hits
            if h.passage.kind is PassageKind.TABLE_ROW and any(a in q for a in entity_aliases(h.passage))]


def rows_with_value(question: str, rows: tuple[Passage, ...]) -> tuple[str, str, list[Passage]] | None:
    """For "哪些企业获得了战略投资？": the column and value the question names, and the rows holding it.

    A value counts when the question contains it whole (spaces ignored: "D轮" finds "D 轮") and it is not the
    row's name or serial number; the value named in the most rows' cells wins ties by length.
    """
    q = normal_form(question)
    found: dict[tuple[str, str], list[Passage]] = {}
    for row in rows:
        entity = row_entity(row.cells)
        for name, value in row.cells:
            norm = normal_form(value)
            if len(norm) >= MIN_FILTER_VALUE_CHARS and value != entity and not value.isdigit() and norm in q:
                found.setdefault((name, value), []).append(row)
    if not found:
        return None
    (name, value), matched = max(found.items(), key=lambda kv: (len(normal_form(kv[0][1])), len(kv[1])))
    return name, value, matched


def table_label(passage: Passage) -> str:
    """"表 1" for a row of Table 1 (its section path ends with the table title)."""
    table = passage.section[-1] if passage.section else ""
    return m.group(0) if (m := _TABLE_LABEL.match(table)) else "表格"


def phrase_row(passage: Passage) -> str:
    """"据表 1，寒武纪：成立时间 2016-3，轮次 B 轮，融资事件 …" — the row in words, with its column names."""
    label = table_label(passage)
    entity = row_entity(passage.cells)
    serial = passage.cells[0][1] if passage.cells and passage.cells[0][1].isdigit() else None
    facts = "，".join(f"{name} {value}" for i, (name, value) in enumerate(passage.cells)
                     if value and value != entity and not (i == 0 and value == serial))
    return f"据{label}，{entity}：{facts}"


def find_outline(terms: WeightedTerms, sections: SectionTree, needed: float) -> Outline | None:
    """The heading with at least two child sections that covers at least `needed` of the question's term weight.

    A list question ("哪几条") needs less than a question that does not ask for a list ("主要问题是什么？").
    """
    best: tuple[float, tuple[str, ...]] | None = None
    for prefix, kids in sections.items():
        if len(kids) < 2:
            continue
        coverage = terms.coverage(normal_form(prefix[-1]))
        if coverage >= needed and (best is None or coverage > best[0]):
            best = (coverage, prefix)
    if best is None:
        return None
    prefix = best[1]
    return Outline(heading=prefix[-1], children=list(sections[prefix].items()))
