"""A near miss in the attribute: the question asks the amount of something the report never writes.

"北京AI相关软件企业的利润大概多少？" retrieves "…软件企业收入规模约1122亿元": every word matches but the attribute,
and the answerability model, which weighs term coverage and the dense cosine, finds the sentence close enough — yet
利润 is not 收入, and the figure answers another question. The attribute is the noun the question names right
before the words asking the amount (`constraints.attribute_before`: "利润" of "利润大概多少", "profit" of "一年的
profit有多少"). When the corpus writes it in none of its forms (aliases included: "revenue" is 收入) and the
transformer verifier, which reads the question against the sentence's window, does not find the window answering
it, the sentence is shown as the nearest fact, not as the answer.

The verifier decides, not the word's absence alone: the report may say the attribute in other words ("海淀区的人工
智能企业占全市多少比例？": 全市 is never written, the report says 北京), and then the verifier reads the window as
answering.

An average is another attribute than the amounts it would be computed from: "北京AI企业的平均单笔融资金额是多少？"
retrieves "北京有119家人工智能企业单次融资金额超过1亿元", a count, and was answered with it. A question asking an
average (平均, 人均, 均值, 均价) of a neighbourhood that states none (no 均 in the sentence's passage and the passages
beside it) is a near miss.
"""

from __future__ import annotations

import re

from qa.answer.answerable import local_text
from qa.answer.candidates import Candidate
from qa.answer.context import AnswerContext
from qa.answer.features import Question

#: The verifier's P(the window answers) from which an attribute the corpus never writes counts as said in other
#: words: its own decision point. On every question of the report sets, the CMRC 2018 trial set and DRCD-40 where
#: it applied, the near misses scored ≤ 0.31 and the answerable questions ≥ 0.70 (README, "An attribute the
#: report never writes").
VERIFIED_OTHERWISE = 0.5


def unwritten_measure(q: Question, context: AnswerContext, verified: float) -> str | None:
    """The attribute whose amount the question asks, from its first word the corpus never writes ("从业人员总数";
    "利润" of "软件企业利润"), when the corpus never writes the attribute's last word, which names it, and the
    verifier's P `verified` is below VERIFIED_OTHERWISE; else None."""
    measure = q.constraints.measure
    if not measure or verified >= VERIFIED_OTHERWISE or context.writes_any(measure[-1].forms):
        return None
    first = next(n for n, word in enumerate(measure) if not context.writes_any(word.forms))
    return "".join(word.text for word in measure[first:])


#: An average asked, with the words after it up to the asking words: what a refusal names ("平均单笔融资金额").
_AVERAGE_ASKED = re.compile(r"(?:平均|人均|均值|均价)[^，。？?！!、；;是有为多几]*")


def unstated_average(question: str, best: Candidate, context: AnswerContext) -> str | None:
    """The average the question asks ("平均单笔融资金额") when the chosen sentence's neighbourhood states no average
    (no 均 in it), else None."""
    asked = _AVERAGE_ASKED.search(question)
    return asked.group(0) if asked and "均" not in local_text(best, context) else None
