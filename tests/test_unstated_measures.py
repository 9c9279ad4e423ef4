"""Near misses of what is asked of a sentence: a share, an amount of money or a list of organisations it does not state,
a figure by another measure than the question says (`unshared`, `unmeasured`, `unlisted` in `qa.answer`)."""

from __future__ import annotations

import pytest

from qa.answer.unshared import share_unstated

_CHAIN = "北京的人工智能企业覆盖了软件技术研发、通用平台支持、核心算法、硬件制造、终端产业应用各个产业链环节。"


@pytest.mark.parametrize(("question", "sentence", "missing"), [
    ("北京AI企业里做硬件制造的占多大比例？", _CHAIN, "北京AI企业里做硬件制造的占比"),
    ("硬件制造企业占比多少", _CHAIN, "硬件制造企业的占比"),
    ("做硬件制造的占几成", _CHAIN, "做硬件制造的占比"),
    ("硬件制造的占比多少？", "海淀区占比达62.44%。", None),  # a percentage
    ("北京的投资机构占全国百分之几？", "北京集中了我国50%以上的投资机构。", None),
    ("早期投资案例占全国几成？", "早期投资案例占全国四成以上。", None),  # said in words
    ("北京的占了多少", _CHAIN, None),  # 占了多少: a count or a share, not asked as a share
])
def test_a_share_asked_of_a_sentence_stating_none_is_named(question, sentence, missing) -> None:
    assert share_unstated(question, sentence) == missing


def test_the_refusal_names_the_share_and_quotes_the_nearest_fact(assistant) -> None:
    answer = assistant.ask("北京AI企业里做硬件制造的占多大比例？")
    assert not answer.answered and "占比" in answer.answer and "硬件制造" in answer.answer


@pytest.mark.parametrize(("question", "sentence", "missing"), [
    ("按融资金额算的话，北京光是A轮这一档的AI企业占比多少？", "从企业数量上看，北京市人工智能企业大多处于A轮，占比达44.80%。",
     "按融资金额算"),
    ("按融资额算，A轮及以前的占多少", "A轮及以前的企业数量占73.28%，但是融资总额占比仅为13.88%。", None),  # 融资 is said
    ("按企业数量算，A轮的占比多少", "从企业数量上看，北京市人工智能企业大多处于A轮，占比达44.80%。", None),
    ("按报告的说法，哪些赛道发展得好？", "如AI+医疗、AI+安防、AI+零售等。", None),  # no measure: a source
])
def test_a_measure_the_sentence_does_not_say_is_named(question, sentence, missing) -> None:
    from qa.answer.unmeasured import measured_otherwise

    assert measured_otherwise(question, sentence) == missing


@pytest.mark.parametrize(("question", "sentence", "missing"), [
    ("那119家AI公司，融资金额加起来一共多少钱？", "北京有119家人工智能企业单次融资金额超过1亿元人民币（人民币融资69家）。",
     "融资金额"),  # a bound is no amount
    ("这14家企业的融资总额是多少", "其中有14家人工智能企业单次融资金额超过10亿元人民币。", "这14家企业的融资总额"),
    ("这14家企业的融资总额是多少", "单次融资金额10亿元以上的企业有14家。", "这14家企业的融资总额"),
    ("高端GPU大概多少钱", "例如高端GPU的价格可能会达到几十万人民币。", None),  # an amount in words
    ("B轮以后的融资总额是多少", "B轮、C轮及以后的企业融资总额1319.89亿元，占比86.12%。", None),
    ("1亿元以上的有多少家", "北京有119家企业单次融资金额超过1亿元人民币。", None),  # a count asked, not money
])
def test_an_amount_of_money_asked_of_a_sentence_stating_only_bounds_is_named(question, sentence, missing) -> None:
    from qa.answer.unmeasured import amount_unstated

    assert amount_unstated(question, sentence) == missing


@pytest.mark.parametrize(("question", "sentence", "missing"), [
    ("北京那12家上市的AI公司都是哪几家？", "其中北京442家(含12家上市公司），占比35.1%。", "北京那12家上市的AI公司的名单"),
    ("那12家上市公司都是哪几家？", "其中北京442家(含12家上市公司）。", "那12家上市公司的名单"),  # a place names no one
    ("北京那12家上市的AI公司都是哪几家？", "代表性企业包括百度、寒武纪、地平线等等。", None),  # a list
    ("超过10亿元的是哪几家公司", "有14家企业单次融资金额超过10亿元人民币，企业名单如表1。", None),  # where the list is
    ("哪些单位在北京设了研究院", "清华大学等单位也纷纷在北京成立研究院。", None),  # a name (jieba tags 百度 n here)
    ("北京有哪些问题", "其中北京442家(含12家上市公司）。", None),  # not organisations
])
def test_which_organisations_asked_of_a_sentence_naming_none_is_named(assistant, question, sentence, missing) -> None:
    from qa.answer.unlisted import names_unlisted

    assert names_unlisted(question, sentence, assistant.segmenter) == missing
