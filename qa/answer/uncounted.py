"""A near miss in the amount: the question asks how many, and the sentence counts nothing — or counts another
kind of thing than the question's.

"北京做AI+医疗的企业具体有多少家？" retrieves "…部分领域呈现出蓬勃发展的态势，如AI+医疗、AI+安防、AI+零售等": every
word of the question is there but the count, so the answerability model, which weighs term coverage and the dense
cosine, finds the sentence close enough. When a question asks how many of something (多少 or 几 before a counter:
家, 个, 项 …) and the chosen sentence states no count — no number that is not a year, a date or a share, no Chinese
numeral before a counter, no closed list of items to count ("A、B和C" answers "几家"; "…等" does not) — the
sentence is shown as the nearest fact, and the refusal says the report has no figure for what was counted.

"北京AI公司里有多少家是做自动驾驶的？" retrieves "全国人工智能企业较2018年5月新增44家，其中北京市新增14家": a count, of
companies, but not of those doing 自动驾驶. When the counted things are narrowed by what they do ("做/搞/从事/专做 X
的") and the window names none of X's words in any of their forms (`kind_uncounted`), the count is another
kind's.

"北京有多少家AI企业没有拿到融资？" retrieves "截至2019年4月，北京共有442家企业获得融资。": every word but the negation is
there, and its count is of the others. When the counted things are said by what they have not done ("没(有)/未/尚未/
从未/不曾 X") and the sentence writes a word of X (in one of its forms: 拿到 as 获得) with no negation before it in
its clause (`did_otherwise`), it counts those that did; a rest the report states ("未获得融资的…") is no miss, and a
rest the report gives both figures for is computed before (`arithmetic.py`).
"""

from __future__ import annotations

import re
from itertools import takewhile

from qa.segment.tokenizer import HAS_WORD_CHAR, Segmenter
from qa.text import CLAUSE_END, normal_form
from qa.understand.constraints import NOT_DONE

#: Counters, in both scripts.
_COUNTERS = "家个個项項人名位所座种種条條次件只隻款部"
#: "多少家", "几个": a count asked, by its counter — not "哪几个" (which ones), "列几个" or "list几个" (give a few) nor
#: "那几家" (those few: "钱越来越往头部那几家集中").
COUNT_ASKED = re.compile(rf"(?<![哪说說列举舉讲講给給写寫提那这這])(?<!list)(?:多少|几|幾)[{_COUNTERS}]", re.IGNORECASE)
#: A count stated: a number not of a year, a date, a share or a figure's or table's own ("2015到2016年", "占比达
#: 62.44%", "详见图1" count nothing), or a Chinese numeral before a counter ("三家").
_COUNT_STATED = re.compile(r"(?<![\d.图表第])(?!(?:19|20)\d{2}(?!\d))\d+(?:\.\d+)?"
                           r"(?![\d.]*\s*(?:[年月日号%％]|个百分点))"
                           rf"|[零〇一二两兩三四五六七八九十百千万萬亿億]+[{_COUNTERS}]")
#: Items listed with 、 and not left open by 等 ("A、B和C" counts itself; "如AI+医疗、AI+安防、AI+零售等" does not).
_OPEN_LIST = re.compile(r"、[^，,。；;]*?等")
#: Words between what is counted and the asking words ("…的企业具体有多少家").
_ASKING_LEAD = re.compile(r"(?:到底|具体|大概|大约|一共|总共|共|现在|目前|都|有|是|了)*$")
#: Particles closing the question ("…多少家AI公司啊").
_PARTICLES = re.compile(r"[啊呀呢吗吧哦嘛]+$")
#: What the counted things do ("做自动驾驶的", "专门做AI芯片的").
_DOING = re.compile(r"(?:专门做|专做|专注于?|从事|做|搞)(?P<kind>[^，,。？?！!的]{1,10})的")
#: A word saying something was not done, as jieba cuts it ("没", "还没", "尚未"), or glued to its verb ("没拿到").
_NOT_DONE = re.compile(r"(?:还|仍)?" + NOT_DONE)
#: Words ending what was not done: where the question goes on to what is counted or asks.
_DONE_ENDS = frozenset({"的", "有", "是", "多少", "几", "几家", "几个", "吗", "呢"})
#: A negation just before a word in a sentence ("未获得融资", "没有上市"): it counts those that did not.
_NEGATED_BEFORE = re.compile(r"(?:没有?|未|无|不|非|尚未)[^，,。；;]{0,2}$")


def count_unstated(question: str, sentence: str) -> str | None:
    """What the question counts ("北京做AI+医疗的企业"; "2016年新成立的AI公司" of "2016年新成立多少家AI公司"), when
    it asks how many and the sentence states no count; else None."""
    asked = COUNT_ASKED.search(question)
    if asked is None or _COUNT_STATED.search(sentence) or ("、" in sentence and not _OPEN_LIST.search(sentence)):
        return None
    before = _ASKING_LEAD.sub("", CLAUSE_END.split(question[:asked.start()])[-1])
    after = _PARTICLES.sub("", CLAUSE_END.split(question[asked.end():])[0])  # "…多少家AI公司？"
    return (f"{before.removesuffix('的')}的{after}" if before and after else before or after) or None


def kind_uncounted(question: str, window: str, segmenter: Segmenter) -> str | None:
    """What the counted things are said to do ("自动驾驶" of "有多少家是做自动驾驶的"), when the question asks how
    many of them and the window (the chosen sentence with its neighbours) names some word of it in none of its
    forms; else None."""
    doing = _DOING.search(question)
    if doing is None or COUNT_ASKED.search(question) is None:
        return None
    kind, text = doing["kind"], normal_form(window)
    return kind if not all(segmenter.written_in(t, text) for t in segmenter.content_terms(kind)) else None


def did_otherwise(question: str, sentence: str, segmenter: Segmenter) -> str | None:
    """What the counted things have not done ("没有拿到融资"), when the question asks how many of them and the
    sentence says, unnegated, a word of what they have not done — it counts those that did; else None."""
    if COUNT_ASKED.search(question) is None:
        return None
    words = [word for word, _ in segmenter.question_words(question)]
    for at, word in enumerate(words):
        if not (negation := _NOT_DONE.match(word)):
            continue
        after = list(takewhile(lambda w: w not in _DONE_ENDS and HAS_WORD_CHAR.search(w), words[at + 1:]))
        done = ([word[negation.end():]] if negation.end() < len(word) else []) + after  # "没拿到": 拿到
        text = normal_form(sentence)
        if any(_said_unnegated(form, text) for term in done if len(term) > 1
               for form in (normal_form(term), *(normal_form(f) for f in segmenter.alias_forms(term)))):
            return word + "".join(after)
    return None


def _said_unnegated(form: str, text: str) -> bool:
    """Some occurrence of the form in the text has no negation just before it in its clause."""
    return any(not _NEGATED_BEFORE.search(CLAUSE_END.split(text[:found.start()])[-1])
               for found in re.finditer(re.escape(form), text))
