"""A problem asked is answered by a sentence stating one, not by a recommendation (`qa/answer/remedies.py`)."""

from __future__ import annotations

import numpy as np
import pytest

from qa.answer.features import WeightedTerms
from qa.answer.remedies import problem_choice

#: Candidates folded with their section paths, as `answerable.sentence_text` gives them.
_CANDIDATES = (
    "三、对策建议\n未来，北京市应加大高端人工智能人才的引进力度",
    "二、存在的问题\n三是领军人才短缺，本土培育的高水平人才严重缺乏",
    "二、存在的问题\n一是底层技术还比较薄弱",
    "一、现状\n北京人工智能相关企业数量达1084家",
)
_SCORES = np.array([0.7, 0.6, 0.65, 0.5])
_TALENT = WeightedTerms({"人才": 1.9, "短板": 2.1}, {"人才": [], "短板": []}, {"短板": ("问题", "不足", "短缺")})


def _choice(question: str, terms: WeightedTerms = _TALENT) -> int:
    return problem_choice(question, terms, _CANDIDATES.__getitem__, _SCORES, 0)


def test_a_problem_asked_moves_from_a_recommendation_to_the_problem_it_holds_the_terms_of():
    """The problem sentence about talent, not the better-scored one about technology (it lacks 人才)."""
    assert _choice("北京ai在人才上最大的短板是啥") == 1


@pytest.mark.parametrize("question", [
    "北京ai人才短缺，报告建议怎么解决",  # a remedy asked
    "北京ai在人才上怎么办",
    "北京ai人才引进的力度多大",  # no problem asked
])
def test_a_remedy_asked_or_no_problem_asked_keeps_the_choice(question):
    assert _choice(question) == 0


def test_a_negated_remedy_word_still_asks_for_the_problem():
    assert _choice("北京ai人才的短板是啥？不要建议") == 1


def test_a_chosen_sentence_that_recommends_nothing_stays():
    terms = WeightedTerms({"短板": 2.1}, {"短板": []}, {"短板": ("问题", "不足", "短缺")})
    assert problem_choice("北京ai最大的短板是啥", terms, _CANDIDATES.__getitem__, _SCORES, 1) == 1


def test_only_a_candidate_stating_a_problem_and_recommending_nothing_is_chosen_instead():
    """Better-scored candidates holding 人才 that recommend while naming a shortage, or state no problem, are passed."""
    candidates = (*_CANDIDATES, "三、对策建议\n应着力解决人才短缺问题", "一、现状\n北京人才总量居全国首位")
    scores = np.array([*_SCORES, 0.9, 0.8])
    assert problem_choice("北京ai在人才上最大的短板是啥", _TALENT, candidates.__getitem__, scores, 0) == 1


def test_without_a_problem_stating_candidate_the_choice_stays():
    assert problem_choice("人才上有啥问题", _TALENT, (_CANDIDATES[0], _CANDIDATES[3]).__getitem__,
                          _SCORES[[0, 3]], 0) == 0


def test_the_assistant_answers_the_talent_shortage_with_the_problem(assistant):
    answer = assistant.ask("报告觉得北京AI在人才上最大的短板是啥？")
    assert answer.answered and "领军人才短缺" in answer.answer
