"""The answer object as a user reads it (qa/answer/compose.py): the exact wording of answers and refusals, which
passages are cited in which order, and what `k` changes — asked of the bundled report through the assistant.

Each wording checked here is one a user sees: a refusal names what the report lacks (a year, at most two words
it never uses, two words it never uses together) and shows the nearest fact only for a near miss; refusals
follow the question's script while quotes stay verbatim; a short answer leads its quote.
"""

from __future__ import annotations

import pytest

from qa.answer.compose import NO_ANSWER, compose
from qa.pipeline import Assistant
from qa.retrieve.hybrid import Retrieval
from qa.types import Answer

TITLE = "人工智能产业发展研究报告"
MEASURES = ("1、尽快出台推动人工智能产业快速发展的落地方案[1]；2、加大高端人工智能人才引进和企业支持力度[2]；"
            "3、构建公共平台和服务体系，完善行业生态体系[3]。")
NEAREST_HAIDIAN = "通过分析获投企业注册地分布情况可知，北京市人工智能企业主要集中于海淀区，占比达62.44%。"


def cited_in_order(answer: Answer) -> None:
    """Citations are numbered 1…n, list no passage twice and carry their document's title; scores are rounded."""
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert len({c.id for c in answer.citations}) == len(answer.citations)
    assert all(c.title == TITLE and c.score == round(c.score, 6) > 0 for c in answer.citations)


@pytest.mark.parametrize(("question", "text"), [
    ("2016年海淀区获投企业的占比是多少？", f"报告没有2016年的数据；最接近的内容是：{NEAREST_HAIDIAN}[1]"),
    ("北京今天的天气和气温怎么样？", "抱歉，报告中没有关于“天气”、“气温”的内容，无法回答。"),  # two words named at most
    ("寒武纪的员工有多少？", "抱歉，报告中没有关于“员工”的内容，无法回答。"),
    ("海淀区的上市公司有多少家？", "抱歉，报告中没有同时涉及“上市公司”和“海淀区”的内容，无法回答。"),
    ("2023年字節跳動的營收是多少？", "抱歉，報告沒有2023年的資料，無法回答。"),  # in the question's script
])
def test_each_refusal_says_what_the_report_lacks(assistant: Assistant, question: str, text: str) -> None:
    answer = assistant.ask(question)
    assert answer.answer == text
    assert not answer.answered and answer.short_answer is None
    cited_in_order(answer)
    assert len(answer.citations) == 3  # the passages searched are still listed


def test_a_near_miss_cites_the_fact_it_shows(assistant: Assistant) -> None:
    answer = assistant.ask("2016年海淀区获投企业的占比是多少？", k=1)
    assert [c.n for c in answer.citations] == [1] and NEAREST_HAIDIAN in answer.citations[0].text


def test_a_short_answer_leads_the_sentence_it_comes_from(assistant: Assistant) -> None:
    answer = assistant.ask("北京AI企业主要集中在哪个区？")
    assert answer.answered and answer.short_answer == "海淀区"
    assert answer.answer == f"海淀区。{NEAREST_HAIDIAN}[1]"
    assert NEAREST_HAIDIAN in answer.citations[0].text
    cited_in_order(answer)


def test_an_outline_lists_and_cites_every_item_even_beyond_k(assistant: Assistant) -> None:
    answer = assistant.ask("报告提出了哪些对策建议？", k=1)
    assert answer.answer == f"“三、对策建议”下共有 3 项：{MEASURES}"
    assert answer.answered and answer.short_answer is None
    assert [c.section.split(" > ")[-1] for c in answer.citations] == [
        "1、尽快出台推动人工智能产业快速发展的落地方案", "2、加大高端人工智能人才引进和企业支持力度",
        "3、构建公共平台和服务体系，完善行业生态体系"]
    cited_in_order(answer)


def test_an_outline_asked_in_traditional_script_quotes_its_headings_verbatim(assistant: Assistant) -> None:
    answer = assistant.ask("報告提出了哪些對策建議？")
    assert answer.answer == f"“三、对策建议”下共有 3 項：{MEASURES}"


@pytest.mark.parametrize("question", ["寒武纪是哪一年成立的？", "2016年海淀区获投企业的占比是多少？",
                                      "北京AI企业主要集中在哪个区？"])
def test_k_citations_the_used_ones_first_then_the_best_other_hits(assistant: Assistant, question: str) -> None:
    one, three, five = (assistant.ask(question, k=k) for k in (1, 3, 5))
    assert one.answer == three.answer == five.answer
    assert [len(a.citations) for a in (one, three, five)] == [1, 3, 5]
    assert [c.id for c in three.citations] == [c.id for c in five.citations][:3]
    assert one.citations[0] == five.citations[0]
    rest = [c.score for c in five.citations[1:]]
    assert rest == sorted(rest, reverse=True)  # by retrieval score after the cited passage
    cited_in_order(five)


def test_a_search_that_found_nothing_gets_the_plain_refusal(assistant: Assistant) -> None:
    """Nothing retrieved, so nothing the report lacks can be named: the plain refusal, in the question's script."""
    vector = assistant.index.embedder.embed_queries(["寒武纪的员工有多少？"])[0]
    settings = assistant.settings.answer
    for question, text in (("寒武纪的员工有多少？", NO_ANSWER), ("寒武紀的員工有多少？", "抱歉，報告中沒有找到能回答這個問題的內容。")):
        answer = compose(assistant.understand(question), Retrieval([], vector), assistant.context, 3, settings)
        assert answer.answer == text and not answer.answered and answer.citations == []
