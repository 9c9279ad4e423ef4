"""A question asking how many is answered by a sentence stating such a count, not only a change, and one asking
how much money by a sentence stating a sum (`qa/answer/counting.py`)."""

from __future__ import annotations

import numpy as np
import pytest

from qa.answer.counting import counting_choice
from qa.answer.features import WeightedTerms
from qa.text import normal_form

_NEW = "全国人工智能企业较2018年5月新增44家，其中北京市新增14家。"
_TOTAL = "截至2019年4月，全国人工智能企业4084家，北京人工智能相关企业数量达1084家。"
_SHARES = "截至2019年4月，北京市处于A轮及以前的企业数量占73.28%，融资总额1319.89亿元，占比86.12%。"
_FUNDED = "截至2019年4月，北京共有442家企业获得融资。"
_ROUND_SHARES = "从企业数量上看，北京市人工智能企业大多处于A轮，占比达44.80%，B轮占比14.48%，C轮及以后占据9.73%。"
_ROUND_SUMS = "北京市处于A轮及以前的企业数量占73.28%，B轮、C轮及以后的企业数量占比合计24.21%，融资总额1319.89亿元。"
_BOUND = "北京有119家人工智能企业单次融资金额超过1亿元人民币。"


def _terms(*words: str) -> WeightedTerms:
    return WeightedTerms({w: 1.0 for w in words}, {w: [] for w in words}, {w: () for w in words})


@pytest.mark.parametrize(("question", "terms", "sentences", "chosen"), [
    # a change does not answer a total; shares and sums count nothing
    ("全国范围内做人工智能的企业一共有多少家？", _terms("全国", "人工智能", "企业"), [_NEW, _TOTAL], 1),
    ("截至2019年4月北京有多少家AI startup拿到过VC之类的融资？", _terms("北京", "融资"), [_SHARES, _FUNDED], 1),
    ("英宗時期總共設置多少個行省", _terms("英宗", "行省"), ["英宗即位。", "英宗時期全國共有十一個行省。"], 1),
    ("百强里北京有几家", _terms("北京"), ["北京是全国的科技中心。", "位于北京的五十三家企业里有四十二家位于海淀。"], 1),
    # a change asked is answered by one; no count asked, or none stated: the selector's choice stands
    ("北京新增了多少家AI企业？", _terms("北京", "企业"), [_NEW, _TOTAL], 0),
    ("全国的AI公司比起2018年5月多冒出来几家？", _terms("全国", "公司"), [_NEW, _TOTAL], 0),
    ("北京AI企业占全国的比例是多少？", _terms("北京", "企业"), [_NEW, _TOTAL], 0),
    ("北京有多少家做AI芯片的企业？", _terms("北京", "芯片"), ["北京AI产业生态良好。", "全国AI芯片发展迅速。"], 0),
    ("北京有多少个AI企业？", _terms("北京", "企业"), [_NEW, _TOTAL], 0),  # another counter: 家 is no 个
    ("林永康有几个孩子？", _terms("林永康"), ["林永康已婚，育有3名子女。", "林永康被判入囚九个月。"], 0),  # a duration
    ("为什么说北京的钱越来越往头部那几家集中？", _terms("北京", "集中"), [_SHARES, _FUNDED], 0),  # 那几家: those few
    # a count that loses a word the chosen sentence holds counts something else
    ("北京做AI+医疗的企业具体有多少家？", _terms("ai+医疗", "企业"), ["如AI+医疗、AI+安防等。", _TOTAL], 0),
])
def test_the_best_sentence_stating_the_count_asked_is_chosen(question: str, terms: WeightedTerms,
                                                            sentences: list[str], chosen: int) -> None:
    assert counting_choice(question, terms, sentences, lambda i: normal_form(sentences[i]), np.array([0.8, 0.6]),
                           0) == chosen


def test_of_several_stating_the_count_the_selector_picks() -> None:
    sentences = [_NEW, _TOTAL, _FUNDED]
    assert counting_choice("北京有多少家AI企业？", _terms("北京"), sentences, lambda i: normal_form(sentences[i]),
                           np.array([0.9, 0.3, 0.5]), 0) == 2


@pytest.mark.parametrize(("question", "sentences", "chosen"), [
    # an amount asked: a sentence of shares by number states no sum; a bound ("超过1亿元") is none either
    ("B轮、C轮及以后的那些北京企业，总共融了多少钱？", [_ROUND_SHARES, _ROUND_SUMS], 1),
    ("B轮、C轮及以后的那些北京企业，总共融了多少钱？", [_ROUND_SHARES, _BOUND], 0),
    # a change of the amount asked is no amount stated
    ("B轮、C轮及以后的北京企业，融资比去年多了多少亿？", [_ROUND_SHARES, _ROUND_SUMS], 0),
    # a sum the question names is the selector's to weigh: any sum stated is no answer to it
    ("B轮、C轮及以后的北京企业，R&D投入总额有多少？", [_ROUND_SHARES, _ROUND_SUMS], 0),
])
def test_an_amount_asked_is_answered_by_a_sentence_stating_a_sum(question: str, sentences: list[str],
                                                                 chosen: int) -> None:
    terms = _terms("b", "c", "北京", "企业")
    assert counting_choice(question, terms, sentences, lambda i: normal_form(sentences[i]), np.array([0.8, 0.6]),
                           0) == chosen


def test_a_term_the_sentence_has_by_its_section_is_held() -> None:
    """"北京市处于…的企业" counts AI companies by its section's heading, which names 人工智能."""
    sentences = [_ROUND_SHARES, _ROUND_SUMS.replace("北京市", "")]
    subjects = [normal_form(sentences[0]), normal_form("北京市人工智能产业\n" + sentences[1])]
    terms = _terms("人工智能", "北京")
    assert counting_choice("北京的人工智能企业总共融了多少钱？", terms, sentences, subjects.__getitem__, np.array([0.8, 0.6]), 0) == 1
    assert counting_choice("北京的人工智能企业总共融了多少钱？", terms, sentences, lambda i: normal_form(sentences[i]),
                           np.array([0.8, 0.6]), 0) == 0
    # a term the chosen sentence has by its own section is held too: a sum stated without it is another's
    sentences = [_ROUND_SHARES.replace("人工智能", ""), _ROUND_SUMS]
    subjects = [normal_form("医疗人工智能\n" + sentences[0]), normal_form(sentences[1])]
    assert counting_choice("北京的医疗AI企业总共融了多少钱？", _terms("医疗", "北京"), sentences, subjects.__getitem__,
                           np.array([0.8, 0.6]), 0) == 0


def test_the_report_answers_a_total_with_the_total(assistant) -> None:
    """"新增44家" had been the answer to how many companies there are in all."""
    answer = assistant.ask("全国范围内做人工智能的企业一共有多少家？")
    assert answer.answered and "4084家" in answer.answer and "新增44家" not in answer.answer
