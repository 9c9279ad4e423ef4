"""How many lie between two thresholds is computed from the counts above each (`qa/answer/between.py`)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("question", [
    "单次融资超过1亿元但没超过10亿元的北京AI企业有多少家？",
    "北京单次融资过了1个亿、但没到10亿RMB的AI公司，算下来有多少家？",
    "单次融资在1亿到10亿之间的北京AI企业有几家",
    "单次融资在1到10亿之间的北京AI企业有几家",  # the lower threshold's unit is the higher one's
    "單次融資超過1億元但沒超過10億元的北京AI企業有多少家？",
    "单笔融资超1个亿的北京AI公司里，没超过10亿的有多少家？",  # 超 alone; the two thresholds in two clauses
])
def test_a_count_between_two_thresholds_is_the_difference_of_the_counts_above_them(assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.answered and answer.short_answer == "105家"
    assert "119家[1]" in answer.answer and "14家[1]" in answer.answer and "119家 − 14家 = 105家" in answer.answer


@pytest.mark.parametrize("question", [
    "单次融资超过1亿元的北京AI企业有多少家？",  # one threshold: the stated count
    "单次融资超过1亿元但没超过10亿元的北京AI企业占比多少？",  # no count asked
    "单次融资超过2亿元但没超过10亿元的北京AI企业有多少家？",  # a threshold the report gives no count for
    "单次融资超过10亿元但没超过1亿元的北京AI企业有多少家？",  # thresholds the wrong way round
])
def test_other_questions_are_not_computed(assistant, question: str) -> None:
    assert "−" not in assistant.ask(question).answer


def test_a_threshold_is_matched_with_its_unit_and_the_lower_one_takes_the_higher_ones():
    """"1到10亿之间" is 1亿 to 10亿: the count above 1万 is no count above 1亿, nor is the one above 10亿."""
    import numpy as np

    from qa.answer.between import counted_between
    from qa.answer.candidates import Candidate
    from qa.types import Passage, PassageKind

    text = "有50家企业融资超过1万元，有20家企业融资超过1亿元，其中有5家企业融资超过10亿元。"
    passage = Passage("p1", "report.txt", (), PassageKind.TEXT, text, text, 0, len(text))
    candidate = Candidate(passage, 0, False, 0, text, np.zeros(1), False)

    class Marks:
        def mark(self, passage: Passage) -> str:
            return "[1]"

    between = counted_between("融资在1到10亿之间的企业有几家？", [candidate], Marks())
    assert between is not None and between.short == "15家" and "超过1亿的 20家[1]" in between.text
    # without units a threshold is its whole number: "超过10" is no count above 1
    counts = "其中有5家企业得分超过10，有20家企业得分超过1。"
    scored = Passage("p2", "report.txt", (), PassageKind.TEXT, counts, counts, 0, len(counts))
    unitless = counted_between("得分超过1但没超过10的企业有几家？",
                               [Candidate(scored, 0, False, 0, counts, np.zeros(1), False)], Marks())
    assert unitless is not None and unitless.short == "15家"


def test_a_threshold_the_sentence_does_not_state_is_a_near_miss(assistant):
    """"超过5个亿" is none of the report's thresholds (1亿, 10亿): the counts it gives are of other sets."""
    from qa.answer.between import thresholds, unstated_threshold

    sentence = "北京有119家企业单次融资金额超过1亿元人民币，其中有14家企业单次融资金额超过10亿元人民币"
    assert thresholds(sentence) == {("1", "亿"), ("10", "亿")}
    assert unstated_threshold("单次融资超过5个亿的有几家", sentence) == "超过5亿"
    assert unstated_threshold("单次融资超过10亿的有几家", sentence) is None
    assert unstated_threshold("北京有几家企业", sentence) is None  # no threshold asked
    assert unstated_threshold("超过5亿的有几家", "企业数量很多") is None  # none stated: not this check's to judge
    answer = assistant.ask("北京单次融资超过5个亿人民币的AI公司有几家？")
    assert not answer.answered and answer.answer.startswith("报告中没有关于“超过5亿”的数据；最接近的内容是")
