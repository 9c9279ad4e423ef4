"""Values a document lists together: the items of one enumeration ("百度、寒武纪、地平线") are things of one kind.

Why: jieba's tags do not say that 百度 is a company (it tags it a common noun), nor that 硬件 and 软件 are two
different things (a question about one is not answered by a sentence about the other); the document says both, by
listing them as items of one enumeration. A word is looked for in the document's own text, so what counts as a
kind is learned from the corpus, not from a word list.
"""

from __future__ import annotations

import re

#: What ends an enumeration's run of items around a word: clause and sentence punctuation.
_RUN_ENDS = frozenset("，,。；;：:！？!?\n（）()")


def _run_around(text: str, start: int, end: int) -> str:
    """The text between the clause punctuation before `start` and after `end` (runs are a clause long)."""
    while start > 0 and text[start - 1] not in _RUN_ENDS:
        start -= 1
    while end < len(text) and text[end] not in _RUN_ENDS:
        end += 1
    return text[start:end]


def listed_beside(word: str, names: set[str], text: str) -> bool:
    """Whether the text lists the word as one item of an enumeration ("百度、寒武纪、地平线") of which another
    item names one of `names` — a value of their kind, by the document's own grouping (all in normal form)."""
    for found in re.finditer(re.escape(word), text):
        items = _run_around(text, found.start(), found.end()).split("、")
        if len(items) > 1 and any(name in item for item in items if word not in item for name in names):
            return True
    return False
