"""A near miss in the kind of answer: the question asks which organisations, and the sentence names none.

"北京那12家上市的AI公司都是哪几家？" retrieves "…其中北京442家(含12家上市公司)…": every word of the question is there,
so the answerability model finds the sentence close enough — but it counts the companies, it does not name them.
When a question asks which companies, institutions or universities (哪几家, 哪些公司, 都有哪些企业, 名单) and the
chosen sentence names none — no list (、), no pointer to a table or figure that lists them ("企业名单如表1"), no
proper name but places and the question's own words ("上市公司" of "上市的AI公司", which jieba tags nt) — the
sentence is shown as the nearest fact, and the refusal names the list asked for.
"""

from __future__ import annotations

import re

from qa.segment.tokenizer import Segmenter
from qa.text import CLAUSE_END

_KINDS = r"(?:公司|企业|机构|单位|高校|大学|院所|实验室|研究院)"
#: Which organisations are asked: "哪几家", "哪些公司", "企业都有哪些", "名单".
_WHICH_ONES = re.compile(rf"哪几家|哪些{_KINDS}|{_KINDS}(?:都|分别)?(?:是|有)哪些|名单")
#: A sentence that lists, or points to where the list is ("企业名单如表1", "详见图2").
_LISTS = re.compile(r"、|[表图]\s*\d")


def names_unlisted(question: str, sentence: str, segmenter: Segmenter) -> str | None:
    """The list the question asks ("北京那12家上市的AI公司的名单"), when it asks which organisations and the sentence
    names none; else None."""
    asked = _WHICH_ONES.search(question)
    if asked is None or _LISTS.search(sentence):
        return None
    asked_pairs = {question[i:i + 2] for i in range(len(question) - 1)}
    if any(not segmenter.names_a_place(name) and not any(name[i:i + 2] in asked_pairs for i in range(len(name) - 1))
           for name in segmenter.names(sentence)):
        return None
    before = re.sub(r"(?:都|分别)?(?:是|有)?$", "", CLAUSE_END.split(question[:asked.start()])[-1])
    return f"{before.removesuffix('的')}的名单" if before else "名单"
