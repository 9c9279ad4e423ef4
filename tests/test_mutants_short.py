"""The short answer's candidates and the features they are scored by (qa/answer/short.py), pinned to what the
module's docstring says they are: runs of at most MAX_WORDS words (MAX_CHARS characters) inside one clause, longer
runs of whole clauses, balanced brackets, type filtering for typed questions, and features that mean what their
names say. The bundled model was trained on these features: one that silently changed meaning would shift short
answers with no other test failing.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from qa.answer.features import Question, analyse
from qa.answer.candidates import collect
from qa.answer.model import LinearModel
from qa.answer.short import (_OFF_KIND, MAX_CHARS, MAX_WORDS, SHORT_FEATURES, _kind_factors, answer_phrases, balanced,
                             phrases, scored_phrase, short_features, short_phrase)
from qa.pipeline import Assistant
from qa.types import Hit

FOUNDED = "寒武纪成立于2016年3月，总部位于北京。"


def spans(tagged: list[tuple[str, str]]) -> list[tuple[int, int, int, int, str]]:
    return [(p.i, p.j, p.start, p.end, p.text) for p in phrases(tagged)]


def words(*texts: str) -> list[tuple[str, str]]:
    return [(t, "x" if t in "，。" else "n") for t in texts]


def test_phrases_are_runs_of_words_inside_a_clause() -> None:
    assert spans(words("甲", "乙乙", "，", "丙", "。")) == [
        (0, 1, 0, 1, "甲"), (0, 2, 0, 3, "甲乙乙"), (1, 2, 1, 3, "乙乙"), (3, 4, 4, 5, "丙")]


def test_a_space_ends_a_phrase_and_starts_none() -> None:
    assert spans(words("甲", " ", "乙")) == [(0, 1, 0, 1, "甲"), (2, 3, 2, 3, "乙")]


def test_phrases_have_at_most_max_words_and_a_long_clause_is_a_run_of_its_own() -> None:
    ten = words(*"一二三四五六七八九十", "。")
    found = spans(ten)
    inside = [s for s in found if s[1] - s[0] <= MAX_WORDS]
    assert len(inside) == sum(min(MAX_WORDS, 10 - i) for i in range(10))
    assert max(j - i for i, j, *_ in inside) == MAX_WORDS
    assert [s for s in found if s[1] - s[0] > MAX_WORDS] == [(0, 10, 0, 10, "一二三四五六七八九十")]  # no 。


def test_phrases_have_at_most_max_chars() -> None:
    long_words = words("甲" * 10, "乙" * 10, "丙" * 10, "丁" * 10)
    found = spans(long_words)
    assert max(len(text) for *_, text in found) == MAX_CHARS == 30
    assert [(i, j) for i, j, *_ in found] == [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4)]


def test_clause_runs_join_whole_clauses_longer_than_max_words() -> None:
    two_clauses = words(*"甲乙丙丁戊", "，", *"己庚辛壬癸", "。")
    runs = [s for s in spans(two_clauses) if s[1] - s[0] > MAX_WORDS]
    assert runs == [(0, 11, 0, 11, "甲乙丙丁戊，己庚辛壬癸")]
    short_clauses = words(*"甲乙", "，", *"丙丁", "。")
    assert all(j - i <= 2 for i, j, *_ in spans(short_clauses))


@pytest.mark.parametrize(("text", "ok"), [
    ("（甲）", True), ("《报告》全文", True), ("“甲”（乙）", True), ("甲", True),
    ("）是新加坡的唐人街", False), ("“甲", False), ("甲”", False), ("（甲》", False), ("（“甲）”", False),
])
def test_a_phrase_closes_only_what_it_opens(text: str, ok: bool) -> None:
    assert balanced(text) is ok


def asked(assistant: Assistant, question: str) -> Question:
    return analyse(assistant.understand(question), np.zeros(assistant.index.embedder.dim, dtype=np.float32),
                   assistant.context)


def chosen_texts(assistant: Assistant, question: str, sentence: str) -> list[str]:
    analysed, chosen = answer_phrases(asked(assistant, question), sentence, assistant.segmenter)
    return [analysed.phrases[n].text for n in chosen]


def test_typed_questions_get_phrases_of_their_type_inside_one_clause(assistant: Assistant) -> None:
    when = chosen_texts(assistant, "寒武纪成立于哪一年？", FOUNDED)
    assert "2016年" in when and "2016年3月" in when
    assert all("2016" in t or "月" in t for t in when) and not any("，" in t for t in when)
    assert "北京" not in when and "总部位于北京" not in when
    how_much = chosen_texts(assistant, "寒武纪融资了多少？", "寒武纪于2018年6月融资1亿美元以上，总部位于北京。")
    assert "1亿美元" in how_much and "2018年" not in how_much and "北京" not in how_much
    untyped = chosen_texts(assistant, "寒武纪是什么？", FOUNDED)
    assert set(when) < set(untyped) and "北京" in untyped


def test_an_untyped_question_may_get_a_run_of_clauses(assistant: Assistant) -> None:
    sentence = "北京市人工智能企业主要集中于海淀区，占比达到百分之六十以上，远远超过其他各个区。"
    untyped = chosen_texts(assistant, "报告的结论是什么？", sentence)
    assert any("，" in t for t in untyped)
    assert not any("，" in t for t in chosen_texts(assistant, "哪个区的企业最多？", sentence))


def features_of(assistant: Assistant, question: str, sentence: str, phrase: str) -> dict[str, float]:
    q = asked(assistant, question)
    analysed, chosen = answer_phrases(q, sentence, assistant.segmenter)
    texts = [analysed.phrases[n].text for n in chosen]
    row = short_features(q, analysed, chosen)[texts.index(phrase)]
    assert row.shape == (len(SHORT_FEATURES),)
    return dict(zip(SHORT_FEATURES, (float(v) for v in row)))


def test_features_of_a_date_that_fills_the_gap(assistant: Assistant) -> None:
    f = features_of(assistant, "寒武纪成立于哪一年？", FOUNDED, "2016年")
    assert (f["before1_in_question"], f["before2_in_question"], f["after1_in_question"]) == (1.0, 1.0, 0.0)
    assert (f["has_time"], f["time_match"], f["number_match"], f["has_place"]) == (1.0, 1.0, 0.0, 0.0)
    assert (f["words"], f["log_chars"]) == (2.0, pytest.approx(math.log1p(5)))
    assert (f["clause_start"], f["clause_end"], f["whole_clause"], f["clause_run"]) == (0.0, 0.0, 0.0, 0.0)
    assert f["left_aligned"] == pytest.approx(math.log1p(len("寒武纪成立于")))  # the question's words right before
    assert f["left_fuzzy"] == 1.0 and f["right_aligned"] == 0.0
    assert f["relative_start"] == pytest.approx(6 / len(FOUNDED))
    assert (f["whole_in_question"], f["terms_inside"], f["ends_as_asked"]) == (0.0, 0.0, 1.0)
    assert f["gap_found"] == 1.0 and f["in_gap"] == 1.0 and f["gap_first_clause"] == 1.0
    whole = features_of(assistant, "寒武纪成立于哪一年？", FOUNDED, "2016年3月")
    assert (whole["words"], whole["clause_end"], whole["ends_as_asked"]) == (4.0, 1.0, 0.0)  # 月, not 年
    assert whole["gap_filled"] > f["gap_filled"]


def test_features_of_a_place_after_a_function_word(assistant: Assistant) -> None:
    sentence = "北京市人工智能企业主要集中于海淀区，占比达62.44%。"
    f = features_of(assistant, "北京的人工智能企业主要集中在哪个区？", sentence, "于海淀区")
    assert (f["function_start"], f["function_end"], f["has_place"], f["place_match"]) == (1.0, 0.0, 1.0, 1.0)
    assert (f["time_match"], f["has_time"], f["clause_end"], f["ends_as_asked"]) == (0.0, 0.0, 1.0, 1.0)
    assert f["terms_inside"] == 0.0  # 区 is a word of the question, but it names the asked kind
    bare = features_of(assistant, "北京的人工智能企业主要集中在哪个区？", sentence, "海淀区")
    assert (bare["function_start"], bare["before1_in_question"], bare["words"]) == (0.0, 0.0, 1.0)


def flat_model() -> LinearModel:
    n = len(SHORT_FEATURES)
    return LinearModel(SHORT_FEATURES, np.zeros(n), np.ones(n), np.zeros(n), 0.0, {})


def candidate_for(assistant: Assistant, sentence_part: str):  # noqa: ANN201
    passage = next(p for p in assistant.index.passages if sentence_part in p.text)
    return next(c for c in collect([Hit(passage, 1.0)], assistant.context) if sentence_part in c.text)


def test_phrases_that_do_not_end_as_asked_score_lower(assistant: Assistant) -> None:
    """With every phrase scored alike, the first ending as asked (…区) wins; the rest lose three quarters of
    their share of the sentence's belief (all of it when they end in another unit, 北京市)."""
    q = asked(assistant, "北京的人工智能企业主要集中在哪个区？")
    candidate = candidate_for(assistant, "主要集中于海淀区")
    analysed, chosen = answer_phrases(q, candidate.text, assistant.segmenter)
    factors = _kind_factors(q, [analysed.phrases[n].text for n in chosen])
    assert sorted(set(factors.tolist())) == [0.0, _OFF_KIND, 1.0]  # 0: 北京市 ends in another unit
    scored = scored_phrase(q, candidate, assistant.context, flat_model())
    assert scored is not None and scored.text.endswith("海淀区")
    assert scored.probability == pytest.approx(1.0 / factors.sum()) and scored.margin == pytest.approx(0.0)
    assert short_phrase(q, candidate, assistant.context, flat_model()) == scored.text


def test_when_no_phrase_ends_as_asked_none_is_marked_down(assistant: Assistant) -> None:
    q = asked(assistant, "寒武纪是什么？")  # 什么 names no kind
    candidate = candidate_for(assistant, "主要集中于海淀区")
    analysed, chosen = answer_phrases(q, candidate.text, assistant.segmenter)
    scored = scored_phrase(q, candidate, assistant.context, flat_model())
    assert scored is not None and scored.probability == pytest.approx(1.0 / len(chosen))
    assert scored.margin == pytest.approx(0.0)
    assert scored.text == analysed.phrases[chosen[0]].text.strip()  # all alike: the first


def test_reasons_and_sentences_without_the_asked_type_get_no_phrase(assistant: Assistant) -> None:
    candidate = candidate_for(assistant, "主要集中于海淀区")
    assert scored_phrase(asked(assistant, "为什么企业集中在海淀区？"), candidate, assistant.context) is None
    assert short_phrase(asked(assistant, "为什么企业集中在海淀区？"), candidate, assistant.context) is None
    no_time = candidate_for(assistant, "代表性企业包括百度")
    assert scored_phrase(asked(assistant, "代表性企业是哪一年成立的？"), no_time, assistant.context) is None
