"""A list question answered by one item of a numbered list gets the whole list (`qa/answer/enumeration.py`)."""

from __future__ import annotations

import pytest

from qa.text import normal_form


def test_an_announced_list_is_quoted_whole_across_passages(assistant) -> None:
    """The selector picks item (3) of four that "…可以采取：" announces; (4) lies in the next passage."""
    answer = assistant.ask("政府层面可以给AI企业哪些实打实的扶持？报告列了哪几种做法")
    text = normal_form(answer.answer)
    assert answer.answered and text.startswith(normal_form("此外，政府应加大对人工智能企业的支持力度,可以采取："))
    positions = [text.find(normal_form(item)) for item in ("(1)税费减免", "(2)结合各类", "(3)对区内", "(4)还可以借鉴")]
    assert -1 not in positions and positions == sorted(positions)
    assert "[2]" in answer.answer  # each passage cited after its last sentence


def test_a_sentence_detailing_an_item_brings_the_list_it_belongs_to(assistant) -> None:
    """"降低税费外，还可以…" details item (1): the list question it was chosen for gets all four items."""
    answer = assistant.ask("政府可以用哪些灵活方式支持企业发展？")
    text = normal_form(answer.answer)
    assert all(normal_form(item) in text for item in ("(1)税费减免", "(2)结合各类", "(4)还可以借鉴"))


@pytest.mark.parametrize("question", [
    "报告觉得北京AI产业目前还有哪些短板和不足？",
    # the chosen item "一是底层技术还比较薄弱，特别是在基础理论、核心算法…" lists things only to detail itself
    "北京AI产业目前有哪些短板？",
])
def test_items_numbered_in_words_are_gathered(assistant, question: str) -> None:
    answer = assistant.ask(question)
    text = normal_form(answer.answer)
    assert all(normal_form(item) in text for item in ("一是底层技术", "三是领军人才短缺", "五是企业经营成本"))
    assert text.index("一是") < text.index("二是") < text.index("五是")


def test_a_question_that_asks_for_no_list_keeps_its_one_sentence(assistant) -> None:
    answer = assistant.ask("北京在领军人才方面的问题是什么？")
    assert "领军人才短缺" in answer.answer and "一是底层技术" not in answer.answer


@pytest.mark.parametrize(("question", "listed", "other_item"), [
    # "二是应用技术领先：在中文信息处理、语音合成与识别…" is the list "在哪些方向上处于世界领先" asks for
    ("北京在哪些AI应用技术方向上处于世界领先？", "中文信息处理", "一是技术研发优势突出"),
    ("北京的人工智能有哪些落地场景？", "智能城市", "一是技术研发优势突出"),
    # a word of the question in the clause of the list, though the English "world-leading" is nowhere
    ("北京在哪些AI应用技术方向算是world-leading的？", "中文信息处理", "一是技术研发优势突出"),
    # the sentence holds 0.56 of the question's weight: just over half
    ("北京有哪些顶尖的AI科研院所？", "中科院自动化所", "二是应用技术领先"),
])
def test_an_item_that_lists_things_itself_answers_a_question_about_them(assistant, question: str, listed: str,
                                                                          other_item: str) -> None:
    answer = assistant.ask(question)
    assert listed in answer.answer and other_item not in answer.answer


def test_a_how_question_about_what_the_list_announces_gets_every_item(assistant) -> None:
    """"…政府应加大对人工智能企业的支持力度,可以采取：" says what the question asks; item (3), chosen, adds nothing of it."""
    text = normal_form(assistant.ask("報告建議政府怎麼支持AI企業？").answer)
    assert all(normal_form(item) in text for item in ("(1)税费减免", "(2)结合各类", "(3)对区内", "(4)还可以借鉴"))


def test_a_how_question_only_one_item_answers_keeps_that_item(assistant) -> None:
    """(3) alone says 高级别人才 and 比例, which the announcing sentence does not."""
    answer = assistant.ask("对高级别人才达到一定比例的企业，政府可以怎么做？")
    assert "给予奖励" in answer.answer and "(1)税费减免" not in answer.answer
