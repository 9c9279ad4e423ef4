"""The constraints a question states, which every answer must support: years, other numbers, names and scopes.

"2023年…融资总额" asks about 2023, not the 2019 total a sentence gives; "丰台区占比多少" about 丰台区, not the
海淀区 beside it. The answer layer checks each constraint against the chosen sentence and its neighbourhood
(`qa.answer.answerable`), and a refusal names the one the report lacks. Read once per question, here, so the
features, the verifier's check and the refusal message all see the same constraints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.segment.tokenizer import Segmenter
from qa.text import normal_form

YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
#: Numbers other than years that a question states as a constraint ("1亿", "10亿元", "100强").
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?%?")
#: A scope of the whole country or the world ("全国…有多少家" asks for the national count; a sentence that says
#: "北京有119家" answers a narrower question). Narrower scopes (全市, 全区) are left out, since the place a sentence
#: names ("北京市") is often that scope in other words, and so is 国内, which is relative ("奈及利亞國內").
SCOPE = re.compile(r"全(?:国|球|世界)")


@dataclass(frozen=True)
class Name:
    """A name the question states (a place, an organisation, a Latin name), in normal form, with the other forms
    the corpus may write it in ("ai" → 人工智能)."""

    text: str
    forms: tuple[str, ...]

    @property
    def latin(self) -> bool:
        return self.text.isascii()

    def found_in(self, text_norm: str) -> bool:
        """Some form of the name occurs in the (normal-form) text."""
        return any(form in text_norm for form in self.forms)


@dataclass(frozen=True)
class Constraints:
    """What the question pins down, in the order it says it."""

    years: tuple[str, ...]
    numbers: tuple[str, ...]
    names: tuple[Name, ...]
    #: "全国", "全球": the whole area the question asks about
    scopes: tuple[str, ...]


def read_constraints(question: str, segmenter: Segmenter) -> Constraints:
    """The years, other numbers, names and scopes of a question (in its searched form: Simplified, Arabic
    numerals)."""
    years = tuple(dict.fromkeys(YEAR.findall(question)))
    numbers = tuple(n for n in dict.fromkeys(_NUMBER.findall(normal_form(question))) if not YEAR.fullmatch(n))
    names = (normal_form(n) for n in segmenter.names(question))  # as often as said: a feature counts them
    return Constraints(years, numbers, tuple(Name(n, (n, *(normal_form(f) for f in segmenter.alias_forms(n))))
                                             for n in names),
                       tuple(dict.fromkeys(SCOPE.findall(normal_form(question)))))
