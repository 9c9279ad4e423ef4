"""Values a document lists together: the items of one enumeration ("百度、寒武纪、地平线") are things of one kind.

Why: jieba's tags do not say that 百度 is a company (it tags it a common noun), nor that 硬件 and 软件 are two
different things (a question about one is not answered by a sentence about the other); the document says both, by
listing them as items of one enumeration. A word is looked for in the document's own text, so what counts as a
kind is learned from the corpus, not from a word list.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: A run of items joined by 、 between clause or sentence punctuation: one enumeration.
_ENUMERATION = re.compile(r"[^，,。；;：:！？!?\n（）()]*、[^，,。；;：:！？!?\n（）()]*")


@lru_cache(maxsize=16)
def _enumerations(text: str) -> tuple[tuple[str, ...], ...]:
    """Every enumeration of the text, split into its items — found once per document text (a question asks about
    a few words; a document of a large corpus may hold thousands of enumerations)."""
    return tuple(tuple(m.group().split("、")) for m in _ENUMERATION.finditer(text))


def listed_beside(word: str, names: set[str], text: str) -> bool:
    """Whether the text lists the word as one item of an enumeration ("百度、寒武纪、地平线") of which another
    item names one of `names` — a value of their kind, by the document's own grouping (all in normal form)."""
    return any(name in item for items in _enumerations(text) if any(word in item for item in items)
               for item in items if word not in item for name in names)


#: What closes an enumeration's last item without being part of it ("AI+零售等").
_CLOSING = "等"


def listed_as_item(word: str, text: str) -> bool:
    """Whether the text names the word as one item of an enumeration, the item ending in it ("如AI+医疗、AI+安防、
    AI+零售等": 医疗, 零售) — one category among others of its kind."""
    return any(item.rstrip(_CLOSING).endswith(word) for items in _enumerations(text) for item in items)
