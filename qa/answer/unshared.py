"""A near miss in the measure: the question asks a share, and the sentence states none.

"北京AI企业里做硬件制造的占多大比例？" retrieves "…北京的人工智能企业覆盖了软件技术研发、通用平台支持、核心算法、
硬件制造、终端产业应用各个产业链环节": every word of the question is there but the share, so the answerability model,
which weighs term coverage and the dense cosine, finds the sentence close enough. When a question asks what share
something has (占比多少, 占多大比例, 占几成, 百分之几 …) and the chosen sentence states no share — no percentage, no
"百分之", "几成", "半" or "几分之几" — the sentence is shown as the nearest fact, and the refusal names the share asked.
"""

from __future__ import annotations

import re

from qa.text import CLAUSE_END

#: A share asked: "占比多少", "占多大比例", "比重是多少", "占全国百分之多少", "占几成" — not "占多少家" (a count), nor
#: "占了多少" (a count or a share).
SHARE_ASKED = re.compile(r"(?:占比|比例|比重|份额)(?:是|为|有|达|了|大概|大约|约|能)*(?:多少|多大|几成)"
                         r"(?![家个個项項人名位所座种種条條次件只隻款部])"
                         r"|占(?:了|到)?多大的?(?:比例|比重|份额)|百分之(?:几|多少)|几成")
#: A share stated: a percentage, or one said in words ("百分之四十", "三成", "过半", "三分之一").
_SHARE_STATED = re.compile(r"\d\s*[%％]|百分之|[一二三四五六七八九十\d]成|半|分之")


def share_unstated(question: str, sentence: str) -> str | None:
    """The share the question asks ("北京AI企业里做硬件制造的占比"), when it asks one and the sentence states no
    share; else None."""
    asked = SHARE_ASKED.search(question)
    if asked is None or _SHARE_STATED.search(sentence):
        return None
    before = CLAUSE_END.split(question[:asked.start()])[-1].removesuffix("占").removesuffix("的")
    return f"{before}的占比" if before else "占比"
