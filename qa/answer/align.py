"""Where the question's gap falls in a sentence: align the question's words around its question word with the
sentence, and the stretch between the two anchors is where the answer should be.

A question is mostly its answer sentence with the answer replaced by a question word: "茨柏克沃斯基是何时进入微软
公司任职的？" against "茨柏克沃斯基于1981年进入微软公司任职。" — the question's text after "何时" is found in the
sentence right after "1981年", its text before "何时" right before it. The alignment is difflib's matching blocks
(monotonic, longest first) over word characters only; single-character coincidences (的, 是) are not anchors.
The short-answer model (`short.py`) reads how much of a phrase lies in the gap and how much of the gap it fills.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from functools import lru_cache
from typing import NamedTuple

from qa.understand.kind import WH_WORDS
from qa.text import fold

#: A matching block shorter than this is a coincidence, not an anchor.
MIN_ANCHOR_CHARS = 2


class Gap(NamedTuple):
    """Character range [start, end) of the sentence where the answer should be, and which anchors were found."""

    start: int
    end: int
    left_anchor: bool
    right_anchor: bool


def _word_chars(text: str) -> tuple[str, list[int]]:
    """The text's letters and digits (folded one character at a time, so offsets stay) and their offsets."""
    chars, offsets = [], []
    for i, ch in enumerate(text):
        folded = fold(ch)
        if len(folded) == 1 and folded.isalnum():
            chars.append(folded)
            offsets.append(i)
    return "".join(chars), offsets


def question_parts(question_norm: str) -> tuple[str, str] | None:
    """The question's word characters before and after its first question word (None without one)."""
    m = WH_WORDS.search(question_norm)
    if m is None:
        return None
    return _word_chars(question_norm[:m.start()])[0], _word_chars(question_norm[m.end():])[0]


class Alignment(NamedTuple):
    """How a sentence mirrors the question: the gap (None when no anchor aligns), and how many of the question's
    word characters around its question word the sentence repeats in order (`matched` of `asked`)."""

    gap: Gap | None
    matched: int
    asked: int


@lru_cache(maxsize=1 << 16)
def align(question_norm: str, sentence: str) -> Alignment:
    """Align the question's words around its question word with the sentence (cached: the selector and the
    short-answer model ask for the same pairs)."""
    parts = question_parts(question_norm)
    if parts is None:
        return Alignment(None, 0, 0)
    left, right = parts
    text, offsets = _word_chars(sentence)
    if not text or not (left or right):
        return Alignment(None, 0, len(left) + len(right))
    blocks = [b for b in SequenceMatcher(None, left + right, text, autojunk=False).get_matching_blocks()
              if b.size >= MIN_ANCHOR_CHARS]
    matched, asked = sum(b.size for b in blocks), len(left) + len(right)
    last_left, first_right, right_end = -1, None, 0
    for i, j, n in blocks:
        if i < len(left):
            last_left = max(last_left, j + min(n, len(left) - i) - 1)
        if i + n > len(left) and first_right is None:
            first_right, right_end = j + max(0, len(left) - i), j + n - 1
    if last_left < 0 and first_right is None:
        return Alignment(None, matched, asked)
    start = offsets[last_left] + 1 if last_left >= 0 else 0
    end = offsets[first_right] if first_right is not None else len(sentence)
    if end <= start and first_right is not None:
        # nothing between the anchors: the words after the question word name the answer's type and the answer
        # follows them ("从师于哪位漫画家" ↔ "从师于漫画家田河水泡")
        return Alignment(Gap(offsets[right_end] + 1, len(sentence), False, True), matched, asked)
    if end < start:
        return Alignment(None, matched, asked)
    return Alignment(Gap(start, end, last_left >= 0, first_right is not None), matched, asked)
