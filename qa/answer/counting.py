"""A question asking how many of something ("全国做人工智能的企业一共有多少家？") is answered by a sentence that
states such a count — a number before the same counter — and, unless the question asks about a change, not only
as a change ("新增44家"); one asking how much money ("…总共融了多少钱？") by a sentence that states a sum, not only a
bound ("单次融资金额超过1亿元").

The selector scores a sentence by how much of the question it matches, and a short sentence that repeats the
question's words outscores a long one holding the count: "全国人工智能企业较2018年5月新增44家" (0.82) beat "…全国人工
智能企业4084家，北京…1084家…" (0.71), and "…北京有多少家AI startup拿到过VC之类的融资？" chose a sentence of shares
and sums ("…企业数量占73.28%…融资总额1319.89亿元") over "北京共有442家企业获得融资". A count is a constraint the
answer must state, as a rank is (`ranked.py`): among the candidates that state one, the one the selector likes best
is chosen; when none does, the selector's choice stands (and `uncounted.py` may refuse it). So is an amount:
"B轮、C轮及以后的那些北京AI企业，总共融了多少钱？" chose the sentence of their shares by number of companies
("…B轮占比14.48%，C轮及以后占据9.73%") over the one stating their "融资总额1319.89亿元", and `unmeasured.py` refused it.
"""

from __future__ import annotations

import re
from typing import Callable

import numpy as np

from qa.answer.arithmetic import CHANGE_LEAD
from qa.answer.features import WeightedTerms
from qa.answer.money import MONEY_ASKED, states_amount
from qa.answer.uncounted import COUNT_ASKED
from qa.text import normal_form
from qa.understand.constraints import ASKS_CHANGE

#: A count's number: digits or a Chinese numeral, perhaps rounded ("200余", "三十多", "上百").
_NUMBER = r"(?:\d+(?:\.\d+)?[万亿]?|[零〇一二两三四五六七八九十百千万亿]+)(?:余|多)?"


#: What after 个 makes a duration, not a count of things ("入囚九个月" counts no 孩子).
_DURATION_AFTER = r"(?:月|小时|钟头|星期|礼拜)"


def _states_count(text: str, counter: str) -> bool:
    """Whether the (folded) text states a count with the counter that is not a change nor a duration."""
    for found in re.finditer(rf"{_NUMBER}(?={counter}(?!{_DURATION_AFTER}))", text):
        if not CHANGE_LEAD.search(text[max(0, found.start() - 8):found.start()]):  # "新增44家" is a change
            return True
    return False


def _asked_value(question_norm: str) -> Callable[[str], bool] | None:
    """What a sentence must state to answer the (folded) question — a count with the asked counter, or a sum of
    money asked without naming what sum ("多少钱", "融了多少") — as a test of a folded sentence; None when it asks
    neither, or asks about a change. A question naming its sum ("R&D投入总额有多少") is left to the selector, which
    weighs those words: any sentence stating a sum ("融资总额1319.89亿元") is no answer to it."""
    if ASKS_CHANGE.search(question_norm):
        return None
    asked = COUNT_ASKED.search(question_norm)
    if asked is not None:
        counter = asked.group()[-1]
        return lambda norm: _states_count(norm, counter)
    money = MONEY_ASKED.search(question_norm)
    return states_amount if money is not None and money["noun"] is None else None


def counting_choice(question: str, terms: WeightedTerms, sentences: list[str], subject_of: Callable[[int], str],
                    scores: np.ndarray, chosen: int) -> int:
    """The chosen candidate sentence, or — when the question asks how many or how much money and the chosen
    sentence states no such count or sum (`_asked_value`) — the best-scored one that does and still holds every
    question term the chosen one holds, each sentence read with what names its subject (`subject_of(i)`: the folded
    sentence i with its document title and section path, only read when needed — "北京市处于…的企业" is about 人工智能
    by its section); the chosen one when none does. Why that condition: "北京做AI+医疗的企业具体有多少家？" chose the
    sentence naming AI+医疗 but no count; a count of all companies answers another question, and `uncounted.py` then
    shows the chosen sentence as the nearest fact."""
    question = normal_form(question)
    states = _asked_value(question)
    if states is None or states(normal_form(sentences[chosen])):
        return chosen
    held = [t for t in terms.weights if terms.found(subject_of(chosen), t)]
    stating = [i for i, text in enumerate(sentences)
               if states(normal_form(text)) and all(terms.found(subject_of(i), t) for t in held)]
    return max(stating, key=lambda i: scores[i]) if stating else chosen
