"""Chat words with one written equivalent put in the word reports write ("拿美金融的有多少家" → "拿美元融的有多少家").

Why: a chat word is usually matched through its written forms when terms are weighed (`data/synonyms.txt`), which
needs jieba to cut it out first — and some it cannot: "拿美金融的" is cut 拿美/金融 (金融 outweighs 美金 in its
dictionary a hundred times), so the refusal named 金融, a word the report never uses. A word with exactly one meaning
in writing (`qa/segment/data/written_words.txt`, read by the segmenter: 美金 is 美元) is replaced in the question's
text, before it is cut, when the corpus never writes it itself — as `english.in_chinese` does for English words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from qa.segment.tokenizer import Segmenter


@lru_cache(maxsize=4)
def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """Any of the words, the longest first."""
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))


def in_written_words(question: str, segmenter: Segmenter, in_corpus: Callable[[str], bool]) -> str:
    """The question with each chat word of `segmenter.written_forms` the corpus never writes put in its written
    word."""
    forms = segmenter.written_forms
    if not forms:
        return question
    return _any_of(tuple(forms)).sub(lambda m: m.group() if in_corpus(m.group()) else forms[m.group()], question)
