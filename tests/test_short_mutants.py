"""Features of the short answer's phrases (qa/answer/short.py), pinned where a mutation run (issue 23) found no test
looking: the share of the question's term weight a phrase holds (found however often the sentence repeats a
term), and a phrase outside the question's gap — the part of the sentence where the question word's answer sits —
having none of the gap in it. The bundled model was trained on these meanings.
"""

from __future__ import annotations

import numpy as np
import pytest

from qa.answer.features import Question, analyse
from qa.answer.model import LinearModel
from qa.answer.short import SHORT_FEATURES, answer_phrases, scored_phrase, short_features
from qa.pipeline import Assistant
from test_mutants_short import candidate_for

WHERE = "寒武纪的总部位于哪个城市？"
FOUNDED = "寒武纪成立于2016年3月，总部位于北京。"


def asked(assistant: Assistant, question: str) -> Question:
    return analyse(assistant.understand(question), np.zeros(assistant.index.embedder.dim, dtype=np.float32),
                   assistant.context)


def features_by_phrase(assistant: Assistant, q: Question, sentence: str) -> dict[str, dict[str, float]]:
    analysed, chosen = answer_phrases(q, sentence, assistant.segmenter)
    rows = short_features(q, analysed, chosen)
    return {analysed.phrases[n].text: dict(zip(SHORT_FEATURES, map(float, row))) for n, row in zip(chosen, rows)}


@pytest.fixture()
def where(assistant: Assistant) -> tuple[Question, dict[str, dict[str, float]]]:
    q = asked(assistant, WHERE)
    return q, features_by_phrase(assistant, q, FOUNDED)


def test_terms_inside_is_the_share_of_the_questions_term_weight_a_phrase_holds(where) -> None:  # noqa: ANN001
    q, features = where
    # 城市 names the asked kind ("哪个城市"): its weight is no share of what an answer could repeat
    share = q.terms.weights["寒武纪"] / (q.terms.total - q.terms.weights["城市"])
    assert features["寒武纪"]["terms_inside"] == pytest.approx(share, abs=1e-6)
    assert features["北京"]["terms_inside"] == 0.0


def test_a_phrase_outside_the_gap_has_none_of_it(where) -> None:  # noqa: ANN001
    _, features = where
    assert features["北京"]["gap_found"] == 1.0 and features["北京"]["in_gap"] == 1.0
    assert features["寒武纪"]["in_gap"] == 0.0 and features["寒武纪"]["gap_filled"] == 0.0


def test_the_words_just_before_a_phrase_are_looked_up_in_the_question(where) -> None:  # noqa: ANN001
    """北京 follows 总部 位于, both words of the question: the word right before it and the one before that."""
    _, features = where
    assert (features["北京"]["before1_in_question"], features["北京"]["before2_in_question"]) == (1.0, 1.0)
    assert (features["寒武纪"]["before1_in_question"], features["寒武纪"]["before2_in_question"]) == (0.0, 0.0)


def test_the_share_and_the_margin_compare_the_best_phrase_with_its_rivals(assistant: Assistant) -> None:
    """Scored by length alone (longer is likelier), the best phrase's share is the softmax of the scores over the
    sentence's phrases, its margin the lead of that share over the second's; the score and its lead are the
    model's own."""
    n = len(SHORT_FEATURES)
    by_length = np.zeros(n)
    by_length[SHORT_FEATURES.index("log_chars")] = 1.0
    model = LinearModel(SHORT_FEATURES, np.zeros(n), np.ones(n), by_length, 0.0, {})
    q = asked(assistant, "寒武纪是什么？")  # 什么 names no kind: no phrase is marked down
    candidate = candidate_for(assistant, "主要集中于海淀区")
    analysed, chosen = answer_phrases(q, candidate.text, assistant.segmenter)
    lengths = np.sort(short_features(q, analysed, chosen)[:, SHORT_FEATURES.index("log_chars")])[::-1]
    assert lengths[0] > lengths[1] > lengths[2]
    shares = np.exp(lengths.astype(np.float64)) / np.exp(lengths.astype(np.float64)).sum()
    scored = scored_phrase(q, candidate, assistant.context, model)
    assert scored is not None and scored.probability == pytest.approx(shares[0], abs=1e-6)
    assert scored.margin == pytest.approx(shares[0] - shares[1], abs=1e-6)
    assert (scored.score, scored.score_margin) == pytest.approx((lengths[0], lengths[0] - lengths[1]), abs=1e-5)


def test_the_asked_kind_is_no_repeat_of_the_question(assistant: Assistant) -> None:
    """区 of "哪个区" names what is asked: 海淀区 holds it by being the answer, so it counts neither as the
    question's characters repeated nor as a question term held; the other terms share all the weight."""
    q = asked(assistant, "哪个区的人工智能企业最多？")
    assert "区" in q.terms.weights
    features = features_by_phrase(assistant, q, "北京市人工智能企业主要集中于海淀区。")
    assert features["海淀区"]["question_overlap"] == 0.0 and features["海淀区"]["terms_inside"] == 0.0
    assert features["海淀区"]["ends_as_asked"] == 1.0
    assert features["人工智能企业"]["terms_inside"] == pytest.approx(1.0)
    assert features["北京市"]["question_overlap"] == 0.0
