"""Question understanding as one stage: the `Understood` object every front door's question becomes."""

import pytest

from qa.understand.constraints import read_constraints
from qa.understand.kind import Kind
from qa.understand.validate import QuestionError
from qa.segment.tokenizer import get_segmenter


def test_a_traditional_misspelt_follow_up_is_understood_in_one_pass(assistant):
    """Follow-up first (on the user's words), then script, numerals and spelling, then kind and constraints."""
    understood = assistant.understand("那潮陽區呢？", previous="二〇一九年海淀區的人工智慧企業佔比多少？")
    assert understood.rewritten and understood.typed == "那潮陽區呢？"
    assert understood.asked_as == "二〇一九年潮陽區的人工智慧企業佔比多少？"
    assert understood.traditional
    assert understood.searched == "2019年朝阳区的人工智能企业占比多少？"
    assert understood.qtype.kind is Kind.QUANTITY
    assert understood.constraints.years == ("2019",)
    assert [n.text for n in understood.constraints.names] == ["朝阳区"]


def test_a_complete_question_is_not_rewritten(assistant):
    understood = assistant.understand("商汤科技怎么样？", previous="寒武纪是哪一年成立的？")
    assert not understood.rewritten and understood.asked_as == understood.typed == "商汤科技怎么样？"
    assert not understood.traditional


def test_every_front_door_gets_the_same_error_for_a_question_that_cannot_be_asked(assistant):
    with pytest.raises(QuestionError, match="不能为空"):
        assistant.understand("   ")


def test_constraints_hold_years_other_numbers_and_names_with_their_other_forms():
    found = read_constraints("2018年单次融资超过10亿元的AI企业在海淀有几家？", get_segmenter())
    assert found.years == ("2018",) and found.numbers == ("10",)
    names = {n.text: n for n in found.names}
    assert "海淀" in names and "ai" in names and "人工智能" in names["ai"].forms
    assert names["ai"].latin and names["ai"].found_in("北京人工智能企业")


def test_the_answer_names_the_question_it_answered(assistant):
    answer = assistant.ask("那朝阳区呢？", previous="海淀区的人工智能企业占比多少？")
    assert answer.question == "朝阳区的人工智能企业占比多少？" and answer.typed == "那朝阳区呢？"
    assert "25.79%" in answer.answer and "typed" not in answer.to_json()
