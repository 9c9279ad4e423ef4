"""Answerability on the bundled report: a question with one constraint swapped (a year, a city, an attribute) is
refused with what the report lacks, while its answerable original — and questions in English words, Chinese
numerals or with a misspelt name — are answered."""

import pytest

from judging import judged
from qa.answer.answerable import ANSWERABLE_FEATURES, decide, refused_whatever_verified
from qa.answer.model import bundled_model


@pytest.mark.parametrize(("answerable", "unanswerable", "key", "lacks"), [
    ("北京人工智能相关企业有多少家？", "上海人工智能相关企业有多少家？", "1084", "上海"),  # another city
    ("2019年海淀区获投企业的占比是多少？", "2016年海淀区获投企业的占比是多少？", "62.44%", "2016"),  # another year
    ("寒武纪是哪一年成立的？", "寒武纪的员工有多少？", "2016-3", "员工"),  # an attribute the report never gives
])
def test_a_swapped_constraint_turns_an_answer_into_a_refusal_that_names_it(assistant, answerable, unanswerable,
                                                                          key, lacks):
    answered = assistant.ask(answerable)
    assert answered.answered and key in answered.answer
    refused = assistant.ask(unanswerable)
    assert not refused.answered and lacks in refused.answer


def test_a_near_miss_shows_the_nearest_fact_and_its_citation(assistant):
    answer = assistant.ask("2016年海淀区获投企业的占比是多少？")
    assert answer.answer.startswith("报告没有2016年的数据；最接近的内容是：") and answer.answer.endswith("[1]")
    assert "海淀" in answer.citations[0].text and answer.short_answer is None


def test_an_unrelated_question_is_refused_without_a_quote(assistant):
    answer = assistant.ask("北京今天的天气怎么样？")
    assert not answer.answered and answer.answer.startswith("抱歉") and "[1]" not in answer.answer


@pytest.mark.parametrize(("question", "key"), [
    ("北京的AI企业主要集中在哪个区？", "海淀"),  # English abbreviation for 人工智能
    ("北京有多少家AI公司拿到过VC投资？", "442"),  # English abbreviations with Chinese aliases
    ("单次融资超过一亿元的北京AI企业有多少家？", "119"),  # a Chinese numeral
    ("寒五纪是哪一年成立的？", "2016-3"),  # a same-sound typo in a name
    ("矿视是哪一年成立的？", "2011-10"),  # the same in a two-character name jieba's dictionary lacks
])
def test_aliases_numerals_and_typos_do_not_cause_refusals(assistant, question, key):
    answer = assistant.ask(question)
    assert answer.answered and key in answer.answer


def test_the_judgement_rests_on_named_evidence(assistant):
    judgement = judged(assistant, "字节跳动2018年的营收是多少？").judgement
    assert not judgement.answerable and 0.0 <= judgement.probability < 1.0
    assert judgement.evidence.absent_terms[0] == "营收" and "营收" in judgement.evidence.missing_terms
    assert judgement.evidence.row.shape == (1, len(ANSWERABLE_FEATURES))
    assert bundled_model("answerable", ANSWERABLE_FEATURES).thresholds["answer"] > 0.0


@pytest.mark.parametrize("question", ["字节跳动2018年的营收是多少？", "糖醋排骨的家常做法是什么？", "寒武纪是哪一年成立的？",
                                      "北京获投AI企业里，丰台区占比多少？", "龘靐齉爩鱻麤 xq 貔貅饕餮"])
def test_skipping_the_verifier_never_changes_a_decision(assistant, question):
    """`refused_whatever_verified` refuses only when the real verifier's verdict would refuse too, with the same
    evidence (so the same refusal text); otherwise it leaves the decision to `judge`."""
    found = judged(assistant, question)
    bounded = refused_whatever_verified(found.evidence)
    if bounded is not None:
        assert not found.judgement.answerable and bounded.probability >= found.judgement.probability
        assert (bounded.evidence.missing_years, bounded.evidence.absent_terms, bounded.evidence.missing_terms) == (
            found.evidence.missing_years, found.evidence.absent_terms, found.evidence.missing_terms)
    if found.judgement.answerable:
        assert bounded is None


def test_gibberish_is_refused_without_the_verifier(assistant):
    found = judged(assistant, "糖醋排骨的家常做法是什么？")
    assert refused_whatever_verified(found.evidence)


def test_evidence_takes_the_verifiers_verdict_without_being_gathered_again(assistant):
    """compose gathers the evidence once and puts the reader's verdict in afterwards: the same P as gathering it
    with that verdict."""
    question = "北京获投AI企业里，海淀区占比多少？"
    gathered = judged(assistant, question, verified=0.0).evidence
    for verdict in (0.2, 0.9):
        assert decide(gathered.verified_as(verdict)).probability == pytest.approx(
            judged(assistant, question, verified=verdict).judgement.probability)
    assert decide(gathered.verified_as(0.9)).probability != pytest.approx(decide(gathered).probability)
