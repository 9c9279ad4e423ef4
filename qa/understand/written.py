"""Chat words with one written equivalent put in the word reports write ("拿美金融的有多少家" → "拿美元融的有多少家").

Why: a chat word is usually matched through its written forms when terms are weighed (`data/synonyms.txt`), which
needs jieba to cut it out first — and some it cannot: "拿美金融的" is cut 拿美/金融 (金融 outweighs 美金 in its
dictionary a hundred times), so the refusal named 金融, a word the report never uses. A word with exactly one meaning
in writing (`data/written_words.txt`: 美金 is 美元) is replaced in the question's text, before it is cut, when the
corpus never writes it itself.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Callable


@lru_cache(maxsize=1)
def _written_words() -> dict[str, str]:
    """Chat word → the word reports write (`qa/segment/data/written_words.txt`)."""
    text = resources.files("qa.segment").joinpath("data", "written_words.txt").read_text(encoding="utf-8")
    pairs = (line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {chat.strip(): written.strip() for chat, written in pairs}


@lru_cache(maxsize=1)
def _chat_word() -> re.Pattern[str]:
    """Any chat word of `written_words.txt`, the longest first."""
    return re.compile("|".join(sorted(map(re.escape, _written_words()), key=len, reverse=True)))


def in_written_words(question: str, in_corpus: Callable[[str], bool]) -> str:
    """The question with each chat word of `written_words.txt` the corpus never writes put in its written word."""
    words = _written_words()
    return _chat_word().sub(lambda m: m.group() if in_corpus(m.group()) else words[m.group()], question)
