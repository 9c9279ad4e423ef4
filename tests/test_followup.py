"""Elliptic follow-ups ("那朝阳区呢？") are rewritten from the previous question; full questions are left alone."""

from __future__ import annotations

import pytest

from qa.pipeline import Assistant
from qa.segment.tokenizer import get_segmenter
from qa.understand.followup import elliptic_subject, rewrite_followup

#: A hand-made corpus vocabulary, as a corpus's qa.toml and tables would give it.
SEGMENTER = get_segmenter(("海淀区 ns", "朝阳区 ns", "海淀 ns", "朝阳 ns", "旷视 nt", "寒武纪 nt"))


@pytest.mark.parametrize("question, previous, expected", [
    ("那朝阳区呢？", "海淀区的人工智能企业占比多少？", "朝阳区的人工智能企业占比多少？"),
    ("朝阳区呢", "海淀区的人工智能企业占比多少？", "朝阳区的人工智能企业占比多少？"),
    ("那朝阳的呢？", "海淀的人工智能企业有多少家？", "朝阳的人工智能企业有多少家？"),
    ("还有朝阳区呢？", "海淀区占比多少？", "朝阳区占比多少？"),
    ("那朝阳区怎么样", "海淀区占比多少？", "朝阳区占比多少？"),
    ("那2017年呢？", "2018年北京人工智能企业融资多少？", "2017年北京人工智能企业融资多少？"),
    ("那２０１７年呢", "2018年北京人工智能企业融资多少？", "2017年北京人工智能企业融资多少？"),
    ("那旷视呢？", "寒武纪是哪一年成立的？", "旷视是哪一年成立的？"),
    ("那ChatGPT呢", "寒武纪是哪一年成立的？", "ChatGPT是哪一年成立的？"),
    ("上海呢？", "北京市人工智能企业主要集中在哪个区？", "上海人工智能企业主要集中在哪个区？"),
    ("那语音识别呢？", "计算机视觉企业有多少家？", "语音识别企业有多少家？"),
])
def test_elliptic_questions_take_the_previous_question(question: str, previous: str, expected: str) -> None:
    assert rewrite_followup(question, previous, SEGMENTER) == expected


@pytest.mark.parametrize("question", [
    "哪个区的人工智能企业最多？",        # a complete question
    "北京有多少家呢？",                 # has its own question word
    "那朝阳区呢？",                      # no previous question
    "人工智能企业主要集中在哪些区域呢，占比分别是多少？",  # too long to be elliptic
])
def test_complete_or_first_questions_are_unchanged(question: str) -> None:
    previous = None if question == "那朝阳区呢？" else "海淀区占比多少？"
    assert rewrite_followup(question, previous, SEGMENTER) == question


def test_subject_extraction() -> None:
    assert elliptic_subject("那朝阳区呢？", SEGMENTER) == "朝阳区"
    assert elliptic_subject("那腾讯的呢", SEGMENTER) == "腾讯"
    assert elliptic_subject("呢", SEGMENTER) is None
    assert elliptic_subject("海淀区占比多少？", SEGMENTER) is None


def test_follow_up_answers_about_the_new_subject(assistant: Assistant) -> None:
    first = assistant.ask("海淀区的人工智能企业占比多少？")
    follow = assistant.ask(rewrite_followup("那朝阳区呢？", first.question, assistant.segmenter))
    assert "62.44%" in first.answer
    assert follow.answered and "25.79%" in follow.answer and "朝阳" in follow.answer


@pytest.mark.parametrize("question, previous", [
    ("北京人工智能企业融资情况怎么样？", "寒武纪是哪一年成立的？"),   # the case: X怎么样 is complete
    ("商汤科技怎么样？", "北京人工智能企业融资情况是哪一年成立的？"),
    ("北京今天天气怎么样？", "海淀区占比多少？"),
    ("西班牙语在西班牙的地位如何？", "寒武纪是哪一年成立的？"),
    ("北京是首都呢？", "海淀区占比多少？"),                          # a statement, not a noun phrase
    ("成立时间呢？", "旷视是哪一年成立的？"),                         # which term it replaces would be a guess
    ("海淀区呢？", "海淀区占比多少？"),                               # nothing new to put in
])
def test_complete_questions_and_guesses_are_not_rewritten(question: str, previous: str) -> None:
    assert rewrite_followup(question, previous, SEGMENTER) == question


def test_the_rewrite_keeps_the_users_punctuation() -> None:
    assert rewrite_followup("那朝阳区呢", "较2018年，海淀区占比多少？", SEGMENTER) == "较2018年，朝阳区占比多少？"
