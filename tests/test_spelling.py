"""Names the corpus spells differently are corrected to its spelling, and only those (`qa/understand/spelling.py`)."""

from __future__ import annotations


def test_a_two_character_name_jieba_does_not_know_is_corrected_by_sound(assistant) -> None:
    assert assistant.understand("矿视和商汤，谁成立得更早？").searched == "旷视和商汤，谁成立得更早？"


def test_a_dictionary_word_that_sounds_like_a_corpus_word_is_left_alone(assistant) -> None:
    """领衔 (lǐngxián) is a word of jieba's dictionary the report never writes; the report's 领先 sounds the same."""
    assert assistant.understand("北京哪家AI公司领衔？").searched == "北京哪家AI公司领衔？"


def test_a_made_up_word_is_not_turned_into_a_dictionary_word(assistant) -> None:
    """Only names are corrected by sound: an HMM-made word (企页, like 花是 of "花是什么样的") that sounds like a
    dictionary word of the corpus (企业, like 化石) is left to retrieval, since most such words are cut across words."""
    assert assistant.understand("北京的企页有多少家？").searched == "北京的企页有多少家？"


def test_one_character_words_are_not_rewritten_into_a_dictionary_word(assistant) -> None:
    """"实验是" (实验/是) sounds like the report's word 实验室; the names 特斯连 and the word 美圆 (亿/美圆) are corrected."""
    assert assistant.understand("报告里的实验是什么？").searched == "报告里的实验是什么？"
    assert assistant.understand("特斯连是哪年成立的？").searched == "特斯联是哪年成立的？"
    assert "美元" in assistant.understand("融资6亿美圆的一共几家").searched
