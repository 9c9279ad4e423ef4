"""Asked why a conclusion holds, the answer is what it was concluded from (issue 19: "为什么说/凭什么说…" questions were
answered by the conclusion itself, which only restates the question)."""

from __future__ import annotations

import numpy as np

from qa.answer.candidates import Candidate, previous_statement
from qa.answer.continuation import CONTINUATION_FEATURES, continuation_row, grounds
from qa.answer.features import analyse
from qa.pipeline import Assistant
from qa.retrieve.hybrid import retrieve
from qa.types import Passage, PassageKind

CONCLUSION = "可以看出，海淀区对人工智能企业具有持续的吸引力。"
GROUND = "62.44%"  # in the sentence before it: 2019年海淀区的占比由60.96%提高到62.44%


def _conclusion(assistant: Assistant) -> Candidate:
    for passage in assistant.index.passages:
        for i, sentence in enumerate(passage.statements):
            if sentence.strip() == CONCLUSION:
                return Candidate(passage, 0, False, i, sentence, np.zeros(1), False)
    raise AssertionError("the report's conclusion sentence is missing")


def _question(assistant: Assistant, text: str):
    understood = assistant.understand(text)
    found = retrieve(assistant.index, understood.searched, 5, assistant.settings.retrieval)
    return analyse(understood, found.query_vector, assistant.context)


def test_the_sentence_before_a_conclusion_grounds_it_for_a_why_question(assistant: Assistant) -> None:
    chosen = _conclusion(assistant)
    ground = grounds(_question(assistant, "凭什么说海淀区对AI企业有持续的吸引力？"), chosen, assistant.context)
    assert ground is not None and GROUND in ground.text
    passage, index = previous_statement(chosen.passage, chosen.index, assistant.context)
    assert ground.text == passage.statements[index]


def test_a_fact_question_gets_no_ground(assistant: Assistant) -> None:
    chosen = _conclusion(assistant)
    assert grounds(_question(assistant, "海淀区对人工智能企业有吸引力吗？"), chosen, assistant.context) is None


def test_the_answer_quotes_the_ground_before_the_conclusion(assistant: Assistant) -> None:
    answer = assistant.ask("凭啥说海淀对AI企业一直都有吸引力？")
    assert answer.answered and answer.short_answer is None
    assert GROUND in answer.answer and answer.answer.index(GROUND) < answer.answer.index("持续的吸引力")


def test_a_conclusion_in_traditional_script_is_grounded_too(assistant: Assistant) -> None:
    text = "相比2018年，海淀區的佔比由60.96%提高到62.44%。可見，海淀區對人工智慧企業具有持續的吸引力。"
    passage = Passage("t#1", "t.txt", ("一",), PassageKind.TEXT, text, text, 0, len(text))
    chosen = Candidate(passage, 0, False, 1, passage.statements[1], np.zeros(1), False)
    ground = grounds(_question(assistant, "為什麼說海淀區對AI企業有吸引力？"), chosen, assistant.context)
    assert ground is not None and ground.text == passage.statements[0]


def test_the_continuation_cues_read_either_script(assistant: Assistant) -> None:
    """"由於…" goes on from the sentence before as "由于…" does, and "五是…" opens an item in both scripts."""
    q = _question(assistant, "為什麼企業經營成本高？")
    column = CONTINUATION_FEATURES.index("next_goes_on")
    simplified = continuation_row(q, "五是企业经营成本高。", "由于办公空间昂贵。", True, 0)
    traditional = continuation_row(q, "五是企業經營成本高。", "由於辦公空間昂貴。", True, 0)
    assert simplified[column] == traditional[column] == 1.0
    item = CONTINUATION_FEATURES.index("item")
    assert simplified[item] == traditional[item] == 1.0


def test_a_claim_asked_why_is_followed_by_its_support(assistant: Assistant) -> None:
    """"为什么说…头部效应越来越明显？" finds the claim itself ("同时，北京人工智能产业头部效应逐渐显现。"), which gives no
    reason: the sentence after it, the funding shares that support it, is the answer. Asked what the claim is, the
    claim alone answers; a claim made with its own figure needs nothing after it."""
    answer = assistant.ask("为什么说北京AI产业的头部效应越来越明显？")
    assert answer.answered and "头部效应逐渐显现" in answer.answer and "13.88%" in answer.answer
    assert "13.88%" not in assistant.ask("北京AI产业的头部效应怎么样了？").answer
    # a claim stated with its own figure ("…占比达73.28%，大多数…仍处于初创期") is its own support
    assert "资本认可" not in assistant.ask("为什么说大多数北京AI企业还处在初创期？").answer


def test_a_statement_cut_at_its_semicolon_goes_on_about_what_the_question_asks(assistant: Assistant) -> None:
    """"…实现资源、信息协同共享；" is cut at its semicolon, and the rest of the sentence ("依托联盟在…专利保护等方面提供
    公共服务…") goes on about the alliance asked about: a how-question or one asking the details (具体) gets it, a
    question asking neither does not."""
    for question in ("产业联盟建起来之后具体要干些啥", "那个产业联盟搭起来以后，具体靠什么方式来发挥作用？"):
        answer = assistant.ask(question)
        assert "协同共享" in answer.answer and "专利保护" in answer.answer
    q = _question(assistant, "产业联盟是谁和谁搭的？")
    from qa.answer.continuation import Quoted, _goes_on_about_it

    quoted = "搭建政府、企业及高校合作的产业联盟,架起沟通桥梁，实现资源、信息协同共享；"
    following = "依托联盟在行业公共平台、数据库建设、专利保护等方面提供公共服务，为行业生态的打造提供实施主体。"
    assert not _goes_on_about_it(q, quoted, following, [])
    assert not _goes_on_about_it(_question(assistant, "产业联盟具体有多少家成员？"), quoted, following, [])  # exactly
    how = _question(assistant, "产业联盟要怎么发挥作用？")
    assert _goes_on_about_it(how, quoted, following, [])
    assert not _goes_on_about_it(how, quoted.replace("；", "。"), following, [])  # a sentence of its own ends
    assert not _goes_on_about_it(how, quoted, "为行业生态的打造提供实施主体。", [])  # names nothing asked
    one_added = [Quoted(following, assistant.index.passages[0])]
    assert not _goes_on_about_it(how, quoted, following, one_added)  # the rest of one sentence, once


def test_a_sentence_detailing_an_item_is_quoted_after_the_item(assistant: Assistant) -> None:
    """"降低税费外，…以税收返还等方式支持企业发展" details item "(1)税费减免、返还。": asked how taxes can be eased, the
    item that names the measure comes first; an item chosen itself needs none."""
    answer = assistant.ask("政府在税这块能怎么帮AI startup减负？")
    assert answer.answered and answer.answer.startswith("(1)税费减免、返还。降低税费外")
    item = next(Candidate(p, 0, False, i, s, np.zeros(1), False) for p in assistant.index.passages
                for i, s in enumerate(p.statements) if s.startswith("(3)对区内"))
    assert grounds(_question(assistant, "对高级别人才比例高的企业，政府可以怎么做？"), item, assistant.context) is None


def test_a_heading_or_a_longer_item_before_the_chosen_sentence_is_not_quoted(assistant: Assistant) -> None:
    """Only a numbered item that just names what the chosen sentence details comes first: not the section heading
    "1.人工智能企业蓬勃发展，头部效应逐渐显现。", nor "一是技术研发优势突出：…", longer than the sentence chosen after it."""
    why = assistant.ask("为啥北京2015、16年冒出来那么多AI公司？报告给的解释是啥")
    assert why.answered and why.answer.startswith("从企业成立时间分布图可以看出")
    how = assistant.ask("百度、字節這些大廠是怎麼在北京推動AI技術快速迭代的？")
    assert how.answered and how.answer.startswith("百度、字节跳动、商汤、旷视为代表")
