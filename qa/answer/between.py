"""Counts asked above thresholds: how many lie between two (the count above the lower one less the count above the
higher one), and a threshold no sentence gives a count for (a near miss).

"单次融资超过1亿元但没超过10亿元的北京AI企业有多少家？" is answered by no sentence: the report says "北京有119家人工智能
企业单次融资金额超过1亿元…其中有14家…超过10亿元". Both counts are stated, each before the threshold it passes, so the
answer is one subtraction, shown with both operands cited: 119家 − 14家 = 105家.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from qa.answer.candidates import Candidate
from qa.answer.tables import Marker
from qa.text import fold
from qa.understand.constraints import PASSES

#: The magnitudes a threshold is written in ("超过10亿", "1万以上"), after the words saying it is passed (`PASSES`).
_AMOUNT = r"(\d+(?:\.\d+)?)\s*个?\s*([亿万千百])?"
#: "超过1亿元但没超过10亿元", "过了1个亿、但没到10亿", "超1个亿的…公司里，没超过10亿的", "1亿到10亿之间": the lower
#: and the higher threshold.
_BETWEEN = (re.compile(rf"(?:{PASSES}|超|过了?)\s*{_AMOUNT}[^。？?\d]{{0,14}}?(?:没有?|未|不)"
                       rf"(?:超过|到|过|满|足|及|达到)\s*{_AMOUNT}"),
            re.compile(rf"{_AMOUNT}[^，,。？?\d]{{0,3}}?(?:到|至|~|-)\s*{_AMOUNT}[^，,。？?\d]{{0,4}}?之间"))
#: A threshold a text states.
_THRESHOLD = re.compile(rf"{PASSES}\s*{_AMOUNT}|{_AMOUNT}[^\d，,。]{{0,3}}?以上")
#: A count asked.
_COUNT_ASKED = re.compile(r"(?:多少|几)家")


class Threshold(NamedTuple):
    number: str
    unit: str

    @property
    def written(self) -> str:
        return f"超过{self.number}{self.unit}"


class Between(NamedTuple):
    text: str
    short: str


def thresholds(text: str) -> set[Threshold]:
    """The thresholds a text states: "超过10亿元" → 超过10亿."""
    return {Threshold(m[1] or m[3], m[2] or m[4] or "") for m in _THRESHOLD.finditer(fold(text))}


def unstated_threshold(question: str, sentence: str) -> str | None:
    """The question's threshold ("超过5个亿") when the sentence states others ("超过1亿元", "超过10亿元") and not it:
    the sentence's counts are of other sets than the one asked — a near miss; else None."""
    asked, stated = thresholds(question), thresholds(sentence)
    if not asked or not stated or asked & stated:
        return None
    return min(asked).written


def _count_above(threshold: Threshold, candidates: list[Candidate]) -> tuple[int, Candidate] | None:
    """The count a statement gives right before the threshold it passes ("119家…超过1亿元"), from the first
    statement that gives one."""
    passes = re.compile(rf"(\d+)\s*家[^，,。；;（(\d]{{0,30}}?{PASSES}\s*{re.escape(threshold.number)}\s*"
                        rf"{threshold.unit}(?![\d.])")
    for c in candidates:
        if m := passes.search(fold(c.text)):
            return int(m[1]), c
    return None


def counted_between(question: str, candidates: list[Candidate], cites: Marker) -> Between | None:
    """The count between the question's two thresholds, computed and shown; None for other questions or when the
    report does not state both counts."""
    folded = fold(question)
    found = next((m for pattern in _BETWEEN if (m := pattern.search(folded))), None)
    if found is None or not _COUNT_ASKED.search(folded):
        return None
    low = Threshold(found[1], found[2] or found[4] or "")
    high = Threshold(found[3], found[4] or found[2] or "")
    above_low, above_high = _count_above(low, candidates), _count_above(high, candidates)
    if above_low is None or above_high is None or above_high[0] > above_low[0]:
        return None
    (n_low, c_low), (n_high, c_high) = above_low, above_high
    result = f"{n_low - n_high}家"
    return Between(f"{low.written}的 {n_low}家{cites.mark(c_low.passage)}，{high.written}的 {n_high}家"
                   f"{cites.mark(c_high.passage)}：{n_low}家 − {n_high}家 = {result}。", result)
