"""A when-question is not answered by a sentence that dates something else (`qa/answer/undated.py`)."""

from __future__ import annotations

import pytest

from qa.answer.undated import calendar_unstated, compared_date, undated_name
from qa.understand.kind import Kind

_OPENING = ("先后成立了北京前沿国际人工智能研究院、北京智源人工智能研究院，2019 年 2 月，北京国家新一代人工智能创新发展试验区"
            "正式成立，标志着北京在大力发展人工智能产业上迈出新步伐。")


def _undated(segmenter, question: str, sentence: str, kind: Kind = Kind.TIME) -> str | None:
    return undated_name(kind, segmenter.question_words(question), sentence, segmenter)


def test_a_date_alone_as_a_clause_dates_the_clause_after_it_not_the_name_before(assistant) -> None:
    segmenter = assistant.segmenter
    assert _undated(segmenter, "北京智源人工智能研究院是哪一年成立的？", _OPENING) == "北京智源人工智能研究院"
    # a name jieba cuts into nouns and a place word (前沿) is one name; of one the report writes otherwise
    # (人工智慧), the longest part it writes
    assert _undated(segmenter, "北京前沿国际人工智能研究院是哪一年成立的？", _OPENING) == "北京前沿国际人工智能研究院"
    assert _undated(segmenter, "北京智源人工智慧研究院是哪一年成立的？", _OPENING) == "北京智源"
    # of several nouns the sentence writes, the longest names what is asked
    assert _undated(segmenter, "研究院里，北京智源人工智能研究院是哪一年成立的？", _OPENING) == "北京智源人工智能研究院"
    # the clause the date stands before is the one asked about
    assert _undated(segmenter, "北京国家新一代人工智能创新发展试验区是什么时候成立的？", _OPENING) is None


@pytest.mark.parametrize(("question", "sentence"), [
    # the name's own clause holds the date
    ("北京市哪一年出台了指导意见？", "2017 年年底，北京市出台了《加快科技创新培育人工智能产业的指导意见》，为北京市指明了方向。"),
    ("北京市哪一年出台了指导意见？", "北京市于2017年出台了指导意见，为各区提供了政策支持。"),
    # a date inside a clause: a chain of clauses shares one subject
    ("光华书局是哪一年改名的？", "光华书局成立于上海，1990年改名。"),
    ("渡川之战发生于什么时候？", "渡川之战，又名四万十川之战，发生于天正3年（1575年）。"),
    # a date alone before the clause that writes the name
    ("马飚是何时步入政界的？", "1994年，马飚出任中共北海市委书记助理，步入政界。"),
    # the name in the clause the date stands before
    ("试验区是什么时候成立的？", "先后成立了北京前沿国际人工智能研究院，2019 年 2 月，试验区正式成立。"),
    # a date inside a clause may be anyone's: left to the answer
    ("北京智源人工智能研究院是哪一年成立的？", "先后成立了北京智源人工智能研究院，2019年2月试验区正式成立，北京迈出新步伐。"),
    # a date alone at the end dates nothing after it
    ("北京智源人工智能研究院是哪一年成立的？", "北京智源人工智能研究院的成立时间：2019年"),
    # a date put first sets the time of every clause after it, not only the next one
    ("陈慧琳的专辑在哪一年转由上华唱片代理发行？", "2001年，香港正东唱片与福茂在台湾的代理发行约届满，旗下歌手陈慧琳已于台湾"
                                              "转由环球唱片旗下之上华唱片代理发行。"),
    # a date alone before a clause with no subject of its own continues the name's clause
    ("光华书局是哪一年改名的？", "光华书局成立于上海，1990年，改名为光华出版社。"),
])
def test_a_date_of_the_named_clause_or_of_no_other_subject_is_the_answer(assistant, question: str,
                                                                        sentence: str) -> None:
    assert _undated(assistant.segmenter, question, sentence) is None


def test_only_when_questions_are_checked(assistant) -> None:
    assert _undated(assistant.segmenter, "北京智源人工智能研究院是什么？", _OPENING, Kind.FACT) is None


def test_the_report_shows_the_sentence_as_the_nearest_fact(assistant) -> None:
    answer = assistant.ask("北京智源人工智能研究院是哪一年成立的？")
    assert not answer.answered and answer.short_answer is None
    assert answer.answer.startswith("报告没有单独给出“北京智源人工智能研究院”的数据；最接近的内容是") and "2019" in answer.answer


_COMPARED = "其中北京442家(含12家上市公司)，占比35.1%，全国获投企业数较2018 年 5 月新增22家，其中北京市新增11家。"


@pytest.mark.parametrize(("question", "window", "date"), [
    ("截至2018年5月，北京获投的AI企业里有几家上市公司？", _COMPARED, "2018年5月"),  # written only after 较
    ("相较2018年5月，北京获投的AI企业又多了几家？", _COMPARED, None),  # the question compares too
    ("2018年5月以来北京获投的AI企业新增了多少家？", _COMPARED, None),  # a change asked
    ("2018年5月到现在，北京获投的AI企业多了几家？", _COMPARED, None),  # a change asked in chat words
    ("截至2018年5月，北京获投的AI企业里有几家上市公司？", "截至2018年5月，北京有10家；" + _COMPARED, None),  # also its own
    ("2019年北京获投的AI企业有多少家？", "2019年北京获投企业数比2018年多", None),  # the asked year is the figure's
    ("2018年北京获投的AI企业有多少家？", "2019年北京获投企业数比2018年多", "2018年"),
    ("2018年朝阳区的占比是多少？", "相比2018年，2019年朝阳区由28.53%下降到25.79%", None),  # from one value to another
    ("比起2018年5月，北京获投的AI企业一共有几家上市公司？", _COMPARED, None),  # the question puts it as a base
    ("2017年北京获投的AI企业有多少家？", _COMPARED, None),  # not written at all: swaps.py's year check decides
])
def test_a_date_written_only_as_the_base_of_a_comparison_is_not_the_figures_time(question: str, window: str,
                                                                                 date: str | None) -> None:
    assert compared_date(question, window) == date


def test_a_time_the_report_only_compares_with_is_refused_with_the_nearest_fact(assistant) -> None:
    answer = assistant.ask("截至2018年5月，北京获投的AI企业里有几家上市公司？")
    assert not answer.answered and "2018年5月" in answer.answer and "最接近的内容" in answer.answer


_LABS = "拥有模式识别国家重点实验室、智能技术与系统国家重点实验室等10余个国家重点实验室。"


@pytest.mark.parametrize(("question", "window", "unit"), [
    ("模式识别国家重点实验室是哪一年成立的？", _LABS, "年份"),
    ("模式识别国家重点实验室是哪年成立的？", _LABS, "年份"),
    ("模式识别国家重点实验室是哪一年成立的？", "该实验室成立于1987年。", None),
    ("该实验室成立于何年？", "该实验室成立于一九八七年。", None),
    ("寒武纪是哪一天上市的？", "代表性企业包括百度、寒武纪、地平线。", "日期"),
    ("寒武纪是哪天上市的？", "寒武纪于7月20日上市。", None),
    ("寒武纪是几号上市的？", "寒武纪上市那天股价大涨。", None),  # 天 names a day
    ("寒武纪是几号上市的？", "代表性企业包括百度、寒武纪、地平线。", "日期"),
    ("明略数据那轮是哪个月融的？", "明略数据 2019.3 E轮 3亿美元", None),  # a dotted date writes its month
    ("明略数据那轮是几月融的？", "明略数据 E轮 3亿美元", "月份"),
    ("寒武纪什么时候上市的？", "代表性企业包括百度、寒武纪、地平线。", None),  # "when": the learned judgement's
])
def test_a_calendar_unit_asked_of_a_window_writing_none_is_unstated(question: str, window: str,
                                                                    unit: str | None) -> None:
    assert calendar_unstated(question, window) == unit


def test_a_year_asked_of_a_sentence_that_dates_nothing_is_refused(assistant) -> None:
    answer = assistant.ask("模式识别国家重点实验室是哪一年成立的？")
    assert not answer.answered and answer.answer.startswith("报告中没有关于“年份”的数据；最接近的内容是")
