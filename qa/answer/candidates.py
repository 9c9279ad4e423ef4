"""What an answer may quote: every statement of the retrieved passages and of their document neighbours.

Neighbours matter because a passage boundary often falls between the sentence that names the subject and the
sentence that holds the answer ("本鱼体呈银灰色" sits one passage after the article's first sentence).
Each candidate also carries its focus clause (`focus.py`): the selector scores sentence and focus together; the
sentence is what gets quoted, the focus is where the short answer is looked for first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.answer.context import AnswerContext
from qa.types import Hit, Passage, PassageKind

#: Neighbours (one before, one after) are added for this many of the best hits; measured on the CMRC trial set:
#: the gold sentence is a neighbour of the top-3 passages for most of the questions whose top-8 passages miss it.
NEIGHBOURS_OF_TOP = 3


@dataclass(frozen=True)
class Candidate:
    """One quotable sentence with where it came from."""

    passage: Passage
    #: retrieval rank of the passage (of the hit it neighbours, for a neighbour), 0 = best
    rank: int
    neighbour: bool
    #: position in `passage.statements`
    index: int
    text: str
    vector: np.ndarray
    #: the statement is one of the passage's opening headings
    heading: bool
    #: character range of the focus clause inside `text` (`focus.focused` sets it; None: the whole sentence)
    start: int = 0
    end: int | None = None
    #: the clause locator's P(the answer is in the focus clause)
    focus_score: float = 1.0

    @property
    def focus(self) -> str:
        """The clause the answer is most likely in (the whole sentence until `focus.focused` narrows it)."""
        return self.text[self.start:self.end]

    def before(self, context: AnswerContext) -> str:
        """The sentence before this one in the document ("" at the start)."""
        if self.index > 0:
            return self.passage.statements[self.index - 1]
        previous = context.neighbour(self.passage, -1)
        return previous.statements[-1] if previous is not None and previous.statements else ""

    def after(self, context: AnswerContext) -> str:
        """The sentence after this one in the document ("" at the end)."""
        if self.index + 1 < len(self.passage.statements):
            return self.passage.statements[self.index + 1]
        following = context.neighbour(self.passage, 1)
        return following.statements[0] if following is not None and following.statements else ""


def previous_statement(passage: Passage, index: int, context: AnswerContext) -> tuple[Passage, int] | None:
    """(passage, statement index) of the sentence before statement `index` of `passage` in its document (passages
    without statements skipped), None at the document's start."""
    if index > 0:
        return passage, index - 1
    earlier = context.neighbour(passage, -1)
    while earlier is not None and not earlier.statements:
        earlier = context.neighbour(earlier, -1)
    return (earlier, len(earlier.statements) - 1) if earlier is not None else None


def next_statement(passage: Passage, index: int, context: AnswerContext) -> tuple[Passage, int] | None:
    """(passage, statement index) of the sentence after statement `index` of `passage` in its document (passages
    without statements — tables, captions — are skipped), None at the document's end."""
    if index + 1 < len(passage.statements):
        return passage, index + 1
    following = context.neighbour(passage, 1)
    while following is not None and not following.statements:
        following = context.neighbour(following, 1)
    return (following, 0) if following is not None else None


def _headings_quoted(passage: Passage) -> int:
    """How many of the passage's statements are opening headings (they come first in `statements`)."""
    return sum(1 for h in passage.headings if h in passage.statements[:len(passage.headings)])


def collect(hits: list[Hit], context: AnswerContext) -> list[Candidate]:
    """Candidates in retrieval order, each passage once."""
    ordered: list[tuple[Passage, int, bool]] = []
    seen: set[str] = set()

    def add(passage: Passage | None, rank: int, neighbour: bool) -> None:
        if passage is not None and passage.id not in seen and passage.kind is PassageKind.TEXT:
            seen.add(passage.id)
            ordered.append((passage, rank, neighbour))

    for rank, hit in enumerate(hits):
        add(hit.passage, rank, False)
    for rank, hit in enumerate(hits[:NEIGHBOURS_OF_TOP]):
        add(context.neighbour(hit.passage, -1), rank, True)
        add(context.neighbour(hit.passage, 1), rank, True)
    found: list[Candidate] = []
    for passage, rank, neighbour in ordered:
        vectors = context.vectors_of(passage)
        headings = _headings_quoted(passage)
        found.extend(Candidate(passage, rank, neighbour, i, text, vectors[i], i < headings)
                     for i, text in enumerate(passage.statements))
    return found

