"""What kind of answer a question wants, read from its Chinese wording.

The kind steers extraction: a number or date must be in a quantity/time answer, a "哪些" answer should be
an enumeration (or a section outline), a question naming a table entity is answered from its row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    QUANTITY = "quantity"
    TIME = "time"
    LIST = "list"
    FACT = "fact"


_LIST = re.compile(r"哪些|哪几|有几[条个项点方]|几条|几个方面|几方面|包括什么|列举|分别")
_TIME = re.compile(r"什么时候|何时|哪一年|哪年|哪个月|几月|几年|时间|日期|成立于")
_QUANTITY = re.compile(r"多少|几[家个位项次成倍]|比例|占比|比重|多大|规模|金额|数量|几何|百分之|增长了?多|多高|多快")


_SUPERLATIVE_QUESTION = re.compile(r"最[多大高强早快少低好]|第一|之最|居首")
#: How Chinese reports state a superlative without repeating the question's "最多".
SUPERLATIVE_STATEMENT = re.compile(r"最|主要集中|集中于|首位|第一|居首|大多|多数|领先|之首")
_CLAUSE = re.compile(r"[，,；;。？?！!]")
_INTERROGATIVE = re.compile(r"什么|怎么|怎样|如何|多少|几|哪|吗|呢|何|是否|有没有|谁|多大|多高|多长")


@dataclass(frozen=True)
class QuestionType:
    """The answer kind, and whether the answer must hold a number."""

    kind: Kind
    superlative: bool = False

    @property
    def wants_number(self) -> bool:
        return self.kind in (Kind.QUANTITY, Kind.TIME)

    @property
    def wants_list(self) -> bool:
        return self.kind is Kind.LIST


def asking_part(question: str) -> str:
    """The clause that holds the question word: in "对…比例的企业，政府可以怎么做？" only "政府可以怎么做" asks."""
    parts = [p for p in _CLAUSE.split(question) if p.strip()]
    asking = [p for p in parts if _INTERROGATIVE.search(p)]
    return asking[-1] if asking else question


def classify(question: str) -> QuestionType:
    """List before time before quantity: "有哪些企业成立于2015年" wants a list, not a date."""
    part = asking_part(question)
    superlative = bool(_SUPERLATIVE_QUESTION.search(part))
    if _LIST.search(part):
        return QuestionType(Kind.LIST, superlative)
    if _TIME.search(part):
        return QuestionType(Kind.TIME, superlative)
    if _QUANTITY.search(part):
        return QuestionType(Kind.QUANTITY, superlative)
    return QuestionType(Kind.FACT, superlative)
