"""Answers that come from the report's outline rather than from one sentence (tables: `tables.py`).

A "哪几条/哪些" question whose terms cover a heading ("报告提出了哪几条对策建议？"), or that asks for items a heading
names ("整体来看，报告最后给出了哪几条对策建议？" — 整体, 最后, 给出 weigh more than the heading's words, being rare
in the report), is answered with the headings (or "一是…二是…" items) under it, each cited to the passage it
opens.
"""

from __future__ import annotations

from dataclasses import dataclass

from qa.answer.context import SectionTree
from qa.answer.features import WeightedTerms
from qa.text import normal_form
from qa.types import Passage


@dataclass(frozen=True)
class Outline:
    """A heading and, per child section, its name and the passage that opens it."""

    heading: str
    children: list[tuple[str, Passage]]


def find_outline(terms: WeightedTerms, sections: SectionTree, needed: float, listed: str | None = None) -> Outline | None:
    """The heading with at least two child sections that covers at least `needed` of the question's term weight,
    or that names `listed`, the items a list question asks for (`qa.understand.kind.listed_items`); of several,
    the one covering most.

    A list question ("哪几条") needs less than a question that does not ask for a list ("主要问题是什么？").
    """
    best: tuple[float, tuple[str, ...]] | None = None
    for prefix, kids in sections.items():
        if len(kids) < 2:
            continue
        heading = normal_form(prefix[-1])
        coverage = terms.coverage(heading)
        names = listed is not None and normal_form(listed) in heading
        if (coverage >= needed or names) and (best is None or coverage > best[0]):
            best = (coverage, prefix)
    if best is None:
        return None
    prefix = best[1]
    return Outline(heading=prefix[-1], children=list(sections[prefix].items()))
