"""English words of a Chinese question put in the Chinese the corpus writes ("Geek+是什么时候founded的？" → "…什么时候成立的？").

Why: the answer layer counts an English alias as its Chinese forms when it weighs terms (`Segmenter.alias_forms`),
but what a question asks of a thing is read from its Chinese words — which column of a table ("成立" → 成立时间),
which extreme ("最大"), which one round ("单次") — and a refusal names a word the corpus lacks ("报告中没有关于
“amount”的内容"). Only such words (`qa/segment/data/english_asked.txt`) that the corpus itself never writes are
replaced, each by its first Chinese form, the longest phrase first ("funding amount" → 融资金额). Topic words stay as
typed, matched through their forms: put in Chinese ("VC" → 风险投资), "北京投过AI公司的VC机构有多少家" chose the
sentence of 1259 companies that got 风险投资 over the agencies' count on 5 report questions when they were (README,
thirteenth session); a name ("Geek+") and an English word the corpus writes ("GPU" of "高端GPU") stay too.
"""

from __future__ import annotations

import re
from typing import Callable

from qa.segment.tokenizer import Segmenter

#: A run of Latin words separated by spaces (a word may open with digits: "4Paradigm"; end in "+": "Face++"): where
#: an alias phrase may start and end.
_LATIN_RUN = re.compile(r"\d*[A-Za-z][A-Za-z.&'+-]*(?: +\d*[A-Za-z][A-Za-z.&'+-]*)*")
#: Alias phrases have at most this many words ("internet of things").
MAX_PHRASE_WORDS = 4


def in_chinese(question: str, segmenter: Segmenter, in_corpus: Callable[[str], bool]) -> str:
    """The question with each English alias the corpus never writes replaced by the Chinese it writes for it."""
    def replaced(run: re.Match[str]) -> str:
        words, pieces, at = run.group(0).split(), [], 0
        while at < len(words):
            for end in range(min(len(words), at + MAX_PHRASE_WORDS), at, -1):
                phrase = " ".join(words[at:end]).lower()
                forms = segmenter.asked_in_english.get(phrase)
                if forms and not in_corpus(phrase):
                    pieces.append(forms[0])
                    at = end
                    break
            else:
                pieces.append(words[at])
                at += 1
        return "".join(p if not i or not (p[0].isascii() and pieces[i - 1][-1].isascii()) else " " + p
                       for i, p in enumerate(pieces))

    return _LATIN_RUN.sub(replaced, question)
