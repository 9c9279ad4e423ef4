"""A problem asked is answered by a sentence stating one, not by what the report recommends doing about it.

"报告觉得北京AI在人才上最大的短板是啥？" chose "未来，北京市应加大高端人工智能人才的引进力度…" over "三是领军人才短缺…":
both are about talent, and the recommendation names it more often. Reports state their problems in one part and their
recommendations in another ("存在的问题", "对策建议"), and a user asking what is wrong — 问题, 短板, 不足, 难处, 缺,
挑战 … and not what to do about it (建议, 措施, 怎么办, 如何 …) — wants the first. When the chosen sentence recommends
(a modal of obligation, "应加大", "需要", or a recommendations section above it), the best-scored candidate that states
a problem (a problem word in it or in its section path), recommends nothing and still holds every question term the
chosen one holds is chosen instead ("人才方面最大的短板" must stay about 人才, not move to 底层技术); the chosen one when
none does.
"""

from __future__ import annotations

import re
from typing import Callable

import numpy as np

from qa.answer.features import WeightedTerms

#: A question asking what is wrong ("有啥问题", "最大的短板", "最缺的是哪类人", "碰到什么难处").
PROBLEM_ASKED = re.compile(r"问题|短板|不足|难处|难点|痛点|缺|挑战|瓶颈|困难|薄弱|弱项|毛病|差距|卡脖子|problem|issue",
                           re.IGNORECASE)
#: A question asking what to do about it ("有什么建议", "怎么解决", "政府应该怎么帮").
REMEDY_ASKED = re.compile(r"(?<!不要)(?<!别说)(?<!不用)(?:建议|措施|对策|举措|办法|方案|怎么|怎样|如何|咋|解决|应该|应当"
                          r"|政策|支持|帮)")
#: A text recommending: a modal of obligation ("应加大", "需要", "必须"; not 应用, 应对, 供应) or a recommendations
#: heading above it ("三、对策建议").
_RECOMMENDS = re.compile(r"(?<!供|适|响|对|反|相|效)应(?![用对收])|需要|必须|亟需|亟待|建议|对策|措施|举措")
#: A text stating a problem.
_STATES_PROBLEM = re.compile(r"问题|短缺|不足|薄弱|缺乏|缺少|困难|压力|挑战|差距|瓶颈|短板|制约|滞后")


def problem_choice(question_norm: str, terms: WeightedTerms, sentences_with_subject: Callable[[int], str],
                   scores: np.ndarray, chosen: int) -> int:
    """The chosen candidate, or — when the (folded) question asks what is wrong, not what to do, and the chosen
    sentence recommends — the best-scored candidate that states a problem, recommends nothing and holds every term
    the chosen one holds (`sentences_with_subject(i)`: candidate i folded with its document title and section
    path)."""
    if not PROBLEM_ASKED.search(question_norm) or REMEDY_ASKED.search(question_norm) \
            or not _RECOMMENDS.search(sentences_with_subject(chosen)):
        return chosen
    held = [t for t in terms.weights if terms.found(sentences_with_subject(chosen), t)]
    stating = [i for i in range(len(scores)) if _STATES_PROBLEM.search(text := sentences_with_subject(i))
               and not _RECOMMENDS.search(text) and all(terms.found(text, t) for t in held)]
    return max(stating, key=lambda i: scores[i]) if stating else chosen
