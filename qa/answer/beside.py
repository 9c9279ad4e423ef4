"""The sentence beside the chosen one, when the reader finds the answer there.

The reader reads the chosen sentence with the sentences before and after it (`reader.window_of`). When its span
lies wholly in one of those neighbours, the selector chose a sentence next to the answer: "按全球气候分类，尼日利亚属于
哪一种气候？" chose "尼日利亚位于热带地区，气候潮湿。" while "主要是热带草原气候。" follows it. Quoting that neighbour too
keeps the chosen sentence (the selector is right more often than the reader) and adds the one the reader points at;
the reader's span may then be the bold short answer. Only a span the reader is fairly sure of counts
(`BESIDE_MIN_SPAN_P`): most spans outside the sentence are weak guesses (on the CMRC 2018 trial set, 63 of the 72
answers with one had P below 0.15).
"""

from __future__ import annotations

from dataclasses import dataclass

from qa.answer.candidates import Candidate
from qa.answer.context import AnswerContext
from qa.answer.continuation import Quoted, sentence_beside
from qa.answer.reader import Reading, Window

#: The reader's span probability from which the neighbour holding it is quoted. From the measured curve over the
#: answered questions of the CMRC 2018 trial set and the last 40 DRCD dev articles (README, "The sentence the
#: reader points at"): the lowest value at which at least half of the quoted neighbours hold the gold answer.
BESIDE_MIN_SPAN_P = 0.15


@dataclass(frozen=True)
class Beside:
    """The neighbour the answer quotes besides the chosen sentence (at most one of `before`, `after`), and the part
    of the reader's window the answer quotes: the sentence with that neighbour, where the reader's span may be
    shown as the short answer."""

    before: Quoted | None
    after: Quoted | None
    quoted: Window


def read_beside(chosen: Candidate, reading: Reading, window: Window, context: AnswerContext) -> Beside:
    """The sentence before or after the chosen one that the reader's span lies in, when the span is at least
    `BESIDE_MIN_SPAN_P` likely and that sentence is in the chosen one's section (`sentence_beside`); else nothing
    beside, and the window's quoted part is the chosen sentence."""
    alone = Beside(None, None, window)
    if reading.span_probability < BESIDE_MIN_SPAN_P or reading.end <= reading.start:
        return alone
    if reading.end <= window.start:
        before = sentence_beside(chosen, -1, context)
        return Beside(before, None, Window(window.text, 0, window.end)) if before is not None else alone
    if reading.start >= window.end:
        after = sentence_beside(chosen, 1, context)
        return Beside(None, after, Window(window.text, window.start, len(window.text))) if after is not None else alone
    return alone
