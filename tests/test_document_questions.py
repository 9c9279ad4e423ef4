"""Questions about the document itself (issue 19, item 3): a figure's or table's caption and the text pointing to
it, a part's heading and its sub-sections — answered from the structure ingest recorded, not refused."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from qa.answer.document import _number
from qa.config import Settings
from qa.pipeline import Assistant

from conftest import copy_corpus, with_vector_cache


@pytest.mark.parametrize(("text", "number"), [("3", 3), ("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("二十一", 21)])
def test_numbers_are_read_in_either_script(text: str, number: int) -> None:
    assert _number(text) == number


def test_a_figure_question_gets_its_caption_and_the_text_pointing_to_it(assistant) -> None:
    answer = assistant.ask("图1展示了什么？")
    assert answer.answered
    assert "北京人工智能企业成立时间分布" in answer.answer and "详见图1" in answer.answer
    assert answer.citations[0].text.startswith("图 1")


def test_what_a_figure_counts_is_its_caption(assistant) -> None:
    """"统计" asks what a figure tallies, as "展示" asks what it shows."""
    answer = assistant.ask("图1统计的是哪些企业的什么情况？")
    assert answer.answered and "442家获得融资的AI企业" in answer.answer and answer.citations[0].text.startswith("图 1")
    listing = assistant.ask("表1列的是一份什么名单？")  # 列 (lists), and a measure word before 什么
    assert listing.answered and listing.answer.startswith("表 1 是“单次融资超过10亿人民币的北京人工智能企业名单")


def test_what_kind_of_chart_a_figure_is_is_its_caption(assistant) -> None:
    """"是哪一年的什么分布图" asks what the figure is, though 什么 follows no verb."""
    answer = assistant.ask("圖3是哪一年的什麼分佈圖？")
    assert answer.answered and "2019年北京人工智能企业区域分布" in answer.answer


def test_a_part_question_gets_its_heading_and_sub_sections(assistant) -> None:
    answer = assistant.ask("这份报告的第二部分讲的是什么？")
    assert answer.answered and "存在的问题" in answer.answer and "领军人才短缺" in answer.answer
    assert "第3部分" in assistant.ask("報告第三部分的標題是什麼？").answer


def test_a_part_asked_in_chat_words_is_a_part(assistant) -> None:
    """"第二大块" is a part and "聊" a way of asking what it covers, as "讲" is."""
    answer = assistant.ask("这份报告的第二大块主要在聊啥？标题叫什么")
    assert answer.answered and answer.answer.startswith("报告第2部分是“二、北京市人工智能产业存在的问题”")


def test_a_sub_section_of_a_part_is_its_numbered_child(assistant) -> None:
    answer = assistant.ask("第一部分第3小节的标题想表达啥意思？")
    assert answer.answered and "第3节是“3.人工智能企业价值受到资本认可，融资情况良好”" in answer.answer
    assert assistant.ask("第三部分的第一条讲啥").answer.startswith("报告第3部分“三、对策建议”的第1节是“1、尽快出台")
    assert "第9节" not in assistant.ask("第一部分第9节讲啥").answer  # no such sub-section: the usual path


@pytest.mark.parametrize(("question", "stated"), [
    ("图1那个figure统计的是多少家企业的成立时间？", "442家获得融资的AI企业"),
    ("表1那份单次融资超10亿的企业名单，数据截止到什么时候？", "截止2019.3"),
])
def test_a_value_the_caption_states_is_answered_by_the_caption(assistant, question: str, stated: str) -> None:
    """The figure's data are not in the text, but its caption says how many companies it counts, and the table's
    title the date its rows run to: both had been answered with a neighbouring sentence, or refused."""
    answer = assistant.ask(question)
    assert answer.answered and answer.answer.startswith(("图 1 是", "表 1 是")) and stated in answer.answer


@pytest.mark.parametrize("question", ["表1里哪家融资最多？", "图2中2018年融资多少？", "第九部分讲的是什么？",
                                      "表1里有多少家企业？",  # no count of 家 in its title: the table counts its rows
                                      "表1里哪家的融资截止到2019年？",  # a row is asked
                                      "表1里最新的一笔融资是什么时候？",  # when a round was, not the data's date
                                      "企业成立时间分布图一共统计了多少家企业？"])  # 一共 is no figure number
def test_other_questions_naming_a_figure_or_part_take_their_usual_path(assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert not answer.answer.startswith(("图 1 是", "图 2 是", "表 1 是", "报告第9部分"))


def test_a_table_question_asking_when_is_a_table_operation(assistant) -> None:
    """"是什么时候" asks when, not what the table is: it had been answered with the table's title."""
    answer = assistant.ask("表1里哪家成立得最晚，是什么时候？")
    assert "Momenta" in answer.answer and "2016-7" in answer.answer and not answer.answer.startswith("表 1 是")


def test_an_item_of_a_named_section_is_read_from_the_outline(assistant) -> None:
    """"对策建议的第二条主要讲啥？" had been answered with the first recommendation."""
    answer = assistant.ask("对策建议的第二条主要讲啥？")
    assert answer.answered and "加大高端人工智能人才引进和企业支持力度" in answer.answer
    assert "领军人才短缺" in assistant.ask("存在的问题的第三点是什么？").answer
    assert "对策建议”的第9条" not in assistant.ask("对策建议的第九条是什么？").answer  # it has three
    assert not assistant.ask("第二条是什么？").answer.startswith("“")  # no section named: no section's item


def test_a_heading_asked_how_it_is_written_is_a_document_question(assistant) -> None:
    """Asked in Traditional script, the assistant's own words are Traditional; the heading it quotes is verbatim."""
    answer = assistant.ask("報告第一部分的第二小節標題怎麼寫的？")
    assert answer.answered and answer.answer.startswith("報告第1部分“一、北京市人工智能产业发展情况”的第2節是")
    assert "“2、人工智能企业分布呈现高度集中、海淀独大的态势”[1]" in answer.answer


@pytest.mark.parametrize("question", ["这份报告一共分几个部分？", "報告分幾個部分", "报告的结构是怎样的", "全文有哪几大块？"])
def test_how_the_report_is_divided_is_its_top_level_headings(assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.answered
    frame = "報告共 3 部分：" if question.startswith("報") else "报告共 3 部分："
    assert answer.answer.startswith(frame + "一、北京市人工智能产业发展情况[1]；二、")
    assert answer.answer.endswith("三、对策建议[3]。")


@pytest.mark.parametrize("question", ["报告说北京AI底层技术还比较弱，具体是弱在哪几块？", "北京AI产业的问题分几个部分？"])
def test_parts_of_what_the_report_says_are_not_its_outline(assistant, question: str) -> None:
    """The parts must follow the document's name: "报告说…弱在哪几块" asks for parts of what the report says."""
    assert not assistant.ask(question).answer.startswith("报告共")


def test_what_a_figure_means_is_a_figure_question(assistant) -> None:
    """"说明了什么问题" asks what a figure shows, as "展示了什么" does."""
    answer = assistant.ask("图2说明了什么问题")
    assert answer.answered and answer.answer.startswith("图 2 是“北京人工智能企业年度融资总额")


def test_of_several_reports_the_outline_is_that_of_the_one_the_question_finds(settings: Settings,
                                                                             tmp_path: Path) -> None:
    """Part numbers restart in every document: "上海那份报告分几个部分" is answered from the Shanghai report's
    headings, not from the first document's."""
    corpus = copy_corpus(tmp_path / "corpus")
    (corpus / "shanghai.md").write_text("# 上海人工智能产业报告\n\n## 一、上海人工智能概况\n\n上海市人工智能企业"
                                        "数量较多。\n\n## 二、上海人工智能发展建议\n\n上海应加强算力建设。\n",
                                        encoding="utf-8")
    own = replace(settings, corpus_dir=corpus, index_dir=with_vector_cache(settings, tmp_path / "index"))
    answer = Assistant(own, show_progress=False).ask("上海人工智能产业报告一共分几个部分？")
    assert answer.answer.startswith("报告共 2 部分：一、上海人工智能概况[1]；二、上海人工智能发展建议")
