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
from qa.answer.money import MONEY_ASKED, states_amount
from qa.text import CLAUSE_END, fold, normal_form
from qa.understand.constraints import measured_by

#: The verifier's P(the window answers) from which an attribute the corpus never writes counts as said in other
#: words: its own decision point. On every question of the report sets, the CMRC 2018 trial set and DRCD-40 where
#: it applied, the near misses scored ≤ 0.31 and the answerable questions ≥ 0.70 (README, "An attribute the
#: report never writes").
VERIFIED_OTHERWISE = 0.5


#: Heads that say how an attribute is measured, not which one ("利润规模", "从业人员总数"): the word before names it.
_MEASURING_HEADS = frozenset({"规模", "总额", "金额", "数额", "数量", "总数", "总量", "数目", "水平"})


def unwritten_measure(q: Question, context: AnswerContext, verified: float) -> str | None:
    """The attribute whose amount the question asks, from its first word the corpus never writes ("从业人员总数";
    "利润" of "软件企业利润"), when the corpus never writes the word that names the attribute — its last, or the last
    before a head that only says how it is measured ("利润" of "利润规模": the report writes 收入规模) — and the
    verifier's P `verified` is below VERIFIED_OTHERWISE; else None."""
    measure = q.constraints.measure
    if not measure or verified >= VERIFIED_OTHERWISE:
        return None
    naming = next((word for word in reversed(measure) if word.text not in _MEASURING_HEADS), measure[-1])
    if context.writes_any(naming.forms):
        return None
    first = next(n for n, word in enumerate(measure) if not context.writes_any(word.forms))
    return "".join(word.text for word in measure[first:])


#: A measure a question says its figures are by ("按融资金额算的话，…": 融资金额): a count or an amount.
_MEASURE = re.compile(r"(?:数量|金额|总额|额)$")


def measured_otherwise(question: str, sentence: str) -> str | None:
    """The measure the question's figures are by ("按融资金额算" of "按融资金额算的话，北京光是A轮这一档的AI企业占比多少？"),
    when the chosen sentence shares no character pair with it — its figures are by another ("从企业数量上看，…A轮，
    占比达44.80%") — else None. Any pair is enough: "按融资额算" is answered by a sentence of 融资总额."""
    what = fold(measured_by(question))
    if not _MEASURE.search(what):
        return None
    text = fold(sentence)
    return None if any(what[i:i + 2] in text for i in range(len(what) - 1)) else f"按{what}算"


#: What an amount asked is of: the words before the asking, without those that only say it is asked or added up.
_ASKING_LEAD = re.compile(r"(?:加起来|加一起|一共|总共|合计|到底|大概|大约|是|有|为)+$")


def amount_unstated(question: str, sentence: str) -> str | None:
    """The amount of money the question asks ("融资金额" of "…那119家AI公司，融资金额加起来一共多少钱？"), when the
    sentence states no sum that is not a bound — "北京有119家人工智能企业单次融资金额超过1亿元人民币" counts companies
    above a bound, it gives no amount of theirs — else None."""
    asked = MONEY_ASKED.search(question)
    if asked is None or states_amount(normal_form(sentence)):
        return None
    if asked["noun"] is None:  # "…一共弄到了多少钱": the words before name no amount
        return "金额"
    return _ASKING_LEAD.sub("", CLAUSE_END.split(question[:asked.start()])[-1]) + asked["noun"]


#: An average asked, with the words after it up to the asking words: what a refusal names ("平均单笔融资金额").
_AVERAGE_ASKED = re.compile(r"(?:平均|人均|均值|均价)[^，。？?！!、；;是有为多几]*")


def unstated_average(question: str, best: Candidate, context: AnswerContext) -> str | None:
    """The average the question asks ("平均单笔融资金额") when the chosen sentence's neighbourhood states no average
    (no 均 in it), else None."""
    asked = _AVERAGE_ASKED.search(question)
    return asked.group(0) if asked and "均" not in local_text(best, context) else None
