"""The sentence beside the chosen one, when the reader finds the answer there.

The reader reads the chosen sentence with the sentences before and after it (`reader.window_of`). When its span
lies wholly in one of those neighbours, the selector chose a sentence next to the answer: "北元在哪一年正式亡國?"
chose "北元後主天元十年去大元國號，北元亡。" while the year is in the sentence after it. Quoting that neighbour too
keeps the chosen sentence (the selector is right more often than the reader) and adds the one the reader points at.
Only a span the reader is fairly sure of counts (`BESIDE_MIN_SPAN_P`): most spans outside the sentence are weak
guesses (on the CMRC 2018 trial set, 79 of 1,000 answers had one, nearly all below P 0.2).
"""

from __future__ import annotations

from qa.answer.candidates import Candidate, next_statement, previous_statement
from qa.answer.context import AnswerContext
from qa.answer.continuation import Quoted
from qa.answer.reader import Reading, Window

#: The reader's span probability from which the neighbour holding it is quoted. From the measured curve over the
#: answered questions of the CMRC 2018 trial set and the last 40 DRCD dev articles (README, "The sentence the
#: reader points at"): the lowest value at which at least half of the quoted neighbours hold the gold answer.
BESIDE_MIN_SPAN_P = 0.2


def read_beside(chosen: Candidate, reading: Reading, window: Window,
                context: AnswerContext) -> tuple[Quoted | None, Quoted | None]:
    """(the sentence before, the sentence after) the chosen one that the reader's span lies in — at most one of
    them, and only when the span is at least `BESIDE_MIN_SPAN_P` likely; (None, None) otherwise."""
    if reading.span_probability < BESIDE_MIN_SPAN_P or reading.end <= reading.start:
        return None, None
    if reading.end <= window.start:
        at = previous_statement(chosen.passage, chosen.index, context)
        return (Quoted(at[0].statements[at[1]], at[0]) if at is not None else None), None
    if reading.start >= window.end:
        at = next_statement(chosen.passage, chosen.index, context)
        return None, (Quoted(at[0].statements[at[1]], at[0]) if at is not None else None)
    return None, None
