"""Answers and refusals as compose.py words them, pinned where a mutation run (issue 23) found no test looking: a
near miss (the nearest sentence states another value of the asked constraint) says which value the report lacks,
in the question's script and as the question wrote it, and quotes the sentence verbatim; a refusal names at most
two missing words; an arithmetic refusal follows the question's script while a computed answer quotes the report;
a question of fillers alone gets the plain refusal.
"""

from __future__ import annotations

import pytest

from qa.answer.compose import NO_ANSWER
from qa.pipeline import Assistant

HAIDIAN = "通过分析获投企业注册地分布情况可知，北京市人工智能企业主要集中于海淀区，占比达62.44%。"


@pytest.mark.parametrize(("question", "text"), [
    ("北京获投AI企业里，丰台区占比多少？", f"报告中没有关于“丰台区”的数据；最接近的内容是：{HAIDIAN}[1]"),
    ("北京獲投AI企業裡，豐台區佔比多少？", f"報告中沒有關於“豐臺區”的資料；最接近的內容是：{HAIDIAN}[1]"),
])
def test_a_near_miss_names_the_value_the_report_lacks_and_quotes_the_nearest_fact(assistant: Assistant,
                                                                                  question: str, text: str) -> None:
    answer = assistant.ask(question)
    assert answer.answer == text
    assert not answer.answered and answer.short_answer is None
    assert HAIDIAN in answer.citations[0].text and len(answer.citations) == 3


def test_a_refusal_names_two_missing_words_at_most(assistant: Assistant) -> None:
    answer = assistant.ask("北京今天的天气、气温和湿度怎么样？")  # three words the report never uses
    assert answer.answer == "抱歉，报告中没有关于“湿度”、“天气”的内容，无法回答。"
    assert not answer.answered


@pytest.mark.parametrize(("question", "text"), [
    ("2019年海淀区获投企业的占比比丰台区高多少？", "抱歉，报告中没有找到“丰台区”的相应数字，无法计算。"),
    ("2019年海淀區獲投企業的佔比比豐台區高多少？", "抱歉，報告中沒有找到“豐臺區”的相應數字，無法計算。"),
])
def test_an_arithmetic_refusal_is_in_the_questions_script(assistant: Assistant, question: str, text: str) -> None:
    answer = assistant.ask(question)
    assert answer.answer == text and not answer.answered and answer.short_answer is None


def test_a_computed_answer_names_the_sides_in_the_questions_script_and_its_figures_as_the_report(
        assistant: Assistant) -> None:
    simplified = assistant.ask("2019年海淀区获投企业的占比比朝阳区高多少？")
    traditional = assistant.ask("2019年海淀區獲投企業的佔比比朝陽區高多少？")
    assert simplified.answered and traditional.answered
    assert simplified.answer == "海淀区获投企业的占比 62.44%[1]，朝阳区 25.79%[1]：62.44% − 25.79% = 36.65 个百分点。"
    assert traditional.answer == "海淀區獲投企業的佔比 62.44%[1]，朝陽區 25.79%[1]：62.44% − 25.79% = 36.65 个百分点。"
    assert traditional.short_answer == simplified.short_answer == "36.65 个百分点"


def test_a_question_of_fillers_alone_gets_the_plain_refusal_with_the_passages_searched(assistant: Assistant) -> None:
    answer = assistant.ask("啊啊啊？")
    assert answer.answer == NO_ANSWER and not answer.answered and answer.short_answer is None
    assert len(answer.citations) == 3


@pytest.mark.parametrize(("question", "text"), [
    ("旷视那家公司手下大概有多少号员工？", "抱歉，报告中没有关于“手下”、“员工”的内容，无法回答。"),
    ("2017年北京获得融资的AI企业有多少家？", NO_ANSWER),  # nothing it lacks can be named
])
def test_a_refusal_the_verifier_decides_names_what_the_report_lacks(assistant: Assistant, question: str,
                                                                    text: str) -> None:
    """Questions only the reader's verdict refuses (its most favourable verdict would have let them through)."""
    answer = assistant.ask(question)
    assert answer.question == question and answer.answer == text
    assert not answer.answered and answer.short_answer is None and len(answer.citations) == 3


@pytest.mark.parametrize(("question", "text"), [
    ("这报告是谁写的？", "抱歉，报告中没有找到能回答这个问题的内容。"),  # "写" alone is absent: named nothing
    ("旷视现在的valuation大概多少钱？", "抱歉，报告中没有关于“valuation”的内容，无法回答。"),  # not "钱"
    ("报告里有关于GDP的数据吗", "抱歉，报告中没有关于“GDP”的内容，无法回答。"),  # 关于 is a preposition, no term
    # jieba's one word for a verb not done is no topic either ("报告中没有关于“没拿过”、“上海”的内容" before)
    ("上海的AI企业里，没拿过风投的有几家", "抱歉，报告中没有关于“上海”的内容，无法回答。"),
])
def test_a_refusal_names_no_single_character(assistant: Assistant, question: str, text: str) -> None:
    """A single character is no topic of its own: "报告中没有关于“写”的内容" reads as if the report wrote nothing; nor is
    a preposition (关于, `data/stopwords.txt`)."""
    answer = assistant.ask(question)
    assert not answer.answered and answer.answer == text
