"""A question asking how many is not answered by a sentence that counts nothing (`qa/answer/uncounted.py`)."""

from __future__ import annotations

import pytest

from qa.answer.uncounted import count_unstated, did_otherwise, kind_uncounted


@pytest.mark.parametrize(("question", "sentence", "counted"), [
    ("北京做AI+医疗的企业具体有多少家？", "部分领域呈现出蓬勃发展的态势，如AI+医疗、AI+安防、AI+零售等。", "北京做AI+医疗的企业"),
    # years, dates, shares and a figure's own number count nothing
    ("2016年新成立了多少家AI公司啊", "2015到2016年爆发式增长，2017年有所回落，详见图1。", "2016年新成立的AI公司"),
    ("海淀区投过AI公司的机构有几家？", "北京市人工智能企业主要集中于海淀区，占比达62.44%。", "海淀区投过AI公司的机构"),
    # one 的 between the two parts, not "…统计的的企业…"
    ("图1统计的是多少家企业的成立时间？", "总体而言，大多数人工智能企业处于增长期。", "图1统计的企业的成立时间"),
])
def test_a_count_asked_of_a_sentence_that_states_none_is_named(question: str, sentence: str, counted: str) -> None:
    assert count_unstated(question, sentence) == counted


@pytest.mark.parametrize(("question", "sentence"), [
    ("北京有多少家获投AI企业？", "其中北京442家(含12家上市公司)，占比35.1%。"),
    ("百强里北京有几家", "位于北京的五十三家人工智能企业有四十二家位于海淀。"),  # Chinese numerals before a counter
    ("北京AI企业占全国的比例是多少？", "占全国人工智能企业总量的26.5%。"),  # no count asked
    ("北京先后成立了哪几家研究院？", "先后成立了北京前沿国际人工智能研究院、北京智源人工智能研究院。"),  # which ones
    ("政府可以怎么支持AI企业？给我说几条", "政府应加大对人工智能企业的支持力度。"),  # give a few
    ("报告说哪些AI+的领域发展得很蓬勃？List几个", "部分领域呈现出蓬勃发展的态势，如AI+医疗、AI+安防等。"),  # in English
    ("卡洛身兼几家骑士团的大团长？", "卡洛还是圣乔治骑士团、圣斐迪南骑士团和王家骑士团的大团长。"),  # a closed list
    ("英宗時期總共設置多少個行省?", "英宗時期全國共有十一個行省。"),  # Traditional counters
])
def test_a_count_stated_or_not_asked_is_no_near_miss(question: str, sentence: str) -> None:
    assert count_unstated(question, sentence) is None


def test_the_report_shows_the_sentence_as_the_nearest_fact(assistant) -> None:
    answer = assistant.ask("北京做AI+医疗的企业具体有多少家？")
    assert not answer.answered and answer.short_answer is None
    assert answer.answer.startswith("报告中没有关于“北京做AI+医疗的企业”的数据；最接近的内容是") and "AI+医疗、" in answer.answer


@pytest.mark.parametrize(("question", "window", "kind"), [
    ("北京AI公司里有多少家是做自动驾驶的？", "全国人工智能企业较2018年5月新增44家，其中北京市新增14家。", "自动驾驶"),
    ("北京专门做AI芯片的企业一共有多少家？", "北京人工智能相关企业数量达1084家。", "AI芯片"),  # 芯片 unnamed
    # what the counted things do, named in the window in a form of its own (ai → 人工智能), or not a count asked
    ("北京搞AI的公司一共有多少家？", "北京人工智能相关企业数量达1084家。", None),
    ("全国做人工智能的企业有多少家？", "全国人工智能企业4084家。", None),
    ("北京有哪些做自动驾驶的公司？", "北京人工智能相关企业数量达1084家。", None),
])
def test_a_count_of_companies_doing_what_the_window_never_names_is_no_answer(assistant, question: str, window: str,
                                                                            kind: str | None) -> None:
    assert kind_uncounted(question, window, assistant.segmenter) == kind


def test_a_count_of_another_kind_is_shown_as_the_nearest_fact(assistant) -> None:
    """"新增14家" counts new AI companies, not those doing 自动驾驶: it had been the answer."""
    answer = assistant.ask("北京AI公司里有多少家是做自动驾驶的？")
    assert not answer.answered and "“自动驾驶”" in answer.answer and answer.short_answer is None



@pytest.mark.parametrize(("question", "sentence", "not_done"), [
    ("北京有多少家AI企业没有拿到融资", "截至2019年4月，北京共有442家企业获得融资。", "没有拿到融资"),  # 拿到 as 获得
    ("北京还没上市的获投AI企业有几家", "其中北京442家(含12家上市公司)，占比35.1%。", "没上市"),
    ("沒獲得融資的北京AI企業有多少家", "截至2019年4月，北京共有442家企业获得融资。", "没获得融资"),  # Traditional
    # jieba's one word for the negation and its verb, written by the report in another form (拿到 as 获得)
    ("没拿到融资的北京AI企业有多少家", "北京共有442家企业获得风险投资。", "没拿到融资"),
    # the sentence counts those that did not, or what was not done is not what it says, or no count is asked
    ("北京有多少家AI企业没有拿到融资", "北京尚有642家企业未获得融资。", None),
    ("没获得融资的北京AI企业有多少家？", "北京人工智能相关企业数量达1084家。", None),
    ("北京没拿到融资的AI企业多吗", "截至2019年4月，北京共有442家企业获得融资。", None),
    # one character ("过" of "没拿过风投") says nothing: "超过" is no 拿过
    ("北京有多少家AI企业没拿过风投", "北京有119家人工智能企业单次融资金额超过1亿元人民币。", None),
])
def test_a_count_of_what_was_not_done_is_not_that_of_those_that_did_it(assistant, question: str, sentence: str,
                                                                       not_done: str | None) -> None:
    assert did_otherwise(question, sentence, assistant.segmenter) == not_done


def test_the_count_of_those_that_did_is_shown_as_the_nearest_fact(assistant) -> None:
    """Asked so that no complement is computed (`arithmetic.py` computes "北京有多少家AI企业没有拿到融资" as 1084家 −
    442家), the count of the funded had been the answer; now it is the nearest fact."""
    answer = assistant.ask("没拿到融资的北京AI企业多不多，有多少家")
    assert not answer.answered and answer.short_answer is None
    assert answer.answer.startswith("报告中没有关于“没拿到融资”的数据；最接近的内容是：")
