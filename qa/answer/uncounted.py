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
"""

from __future__ import annotations

import re

from qa.segment.tokenizer import Segmenter
from qa.text import CLAUSE_END, normal_form

#: Counters, in both scripts.
_COUNTERS = "家个個项項人名位所座种種条條次件只隻款部"
#: "多少家", "几个": a count asked, by its counter — not "哪几个" (which ones) nor "列几个" (give a few).
COUNT_ASKED = re.compile(rf"(?<![哪说說列举舉讲講给給写寫提])(?:多少|几|幾)[{_COUNTERS}]")
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
