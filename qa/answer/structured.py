"""Answers that come from the report's outline rather than from one sentence (tables: `tables.py`).

A "哪几条/哪些" question whose terms cover a heading ("报告提出了哪几条对策建议？") is answered with the
headings (or "一是…二是…" items) under it, each cited to the passage it opens.
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
