"""Features of the short answer's phrases (qa/answer/short.py), pinned where a mutation run (issue 23) found no test
looking: the share of the question's term weight a phrase holds (found however often the sentence repeats a
term), and a phrase outside the question's gap — the part of the sentence where the question word's answer sits —
having none of the gap in it. The bundled model was trained on these meanings.
"""

from __future__ import annotations

import numpy as np
import pytest

from qa.answer.features import Question, analyse
from qa.answer.short import SHORT_FEATURES, answer_phrases, short_features
from qa.pipeline import Assistant

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
    share = q.terms.weights["寒武纪"] / q.terms.total
    assert features["寒武纪"]["terms_inside"] == pytest.approx(share, abs=1e-6)
    assert features["北京"]["terms_inside"] == 0.0


def test_a_phrase_outside_the_gap_has_none_of_it(where) -> None:  # noqa: ANN001
    _, features = where
    assert features["北京"]["gap_found"] == 1.0 and features["北京"]["in_gap"] == 1.0
    assert features["寒武纪"]["in_gap"] == 0.0 and features["寒武纪"]["gap_filled"] == 0.0
