"""What qa/answer/answerable.py's judgement reads, pinned where a mutation run (issue 23) found no test looking:
the neighbourhood a constraint may be found in (the passage and the one before and after it, no further), the
sentence's own text (title and section path included), and the verifier bound that lets a refusal skip the
reader — which must use the verifier's most favourable verdict whatever the size of its weight.
"""

from __future__ import annotations

import numpy as np
import pytest

from judging import Judged, judged
from qa.answer.answerable import (ANSWERABLE_FEATURES, _type_stated, decide, evidence_for, local_text,
                                  refused_whatever_verified, sentence_text)
from qa.answer.features import analyse
from qa.answer.model import LinearModel
from qa.understand.kind import Kind
from qa.pipeline import Assistant
from qa.text import normal_form

HAIDIAN = "北京AI企业主要集中在哪个区？"
_VERIFIER = ANSWERABLE_FEATURES.index("verifier")


@pytest.fixture(scope="module")
def haidian(assistant: Assistant) -> Judged:
    return judged(assistant, HAIDIAN, 0.5)


def test_the_neighbourhood_is_the_passage_and_the_ones_right_before_and_after(assistant: Assistant,
                                                                              haidian: Judged) -> None:
    context, chosen = assistant.context, haidian.candidates[haidian.best]
    before, after = context.neighbour(chosen.passage, -1), context.neighbour(chosen.passage, 1)
    assert before is not None and after is not None  # the chosen sentence is mid-document
    assert local_text(chosen, context) == normal_form("\n".join((chosen.passage.index_text, before.text, after.text)))
    two_on = context.neighbour(chosen.passage, 2)
    assert two_on is not None and normal_form(two_on.text) not in local_text(chosen, context)


def test_the_sentence_is_read_with_its_documents_title_and_section_path(assistant: Assistant,
                                                                        haidian: Judged) -> None:
    context, chosen = assistant.context, haidian.candidates[haidian.best]
    title = context.titles[chosen.passage.source]
    assert title and chosen.passage.section
    assert sentence_text(chosen, context) == normal_form("\n".join((title, *chosen.passage.section, chosen.text)))


@pytest.mark.parametrize(("question", "kind", "sentence", "stated"), [
    (HAIDIAN, Kind.PLACE, "北京市人工智能企业主要集中于海淀区。", 1.0),  # a district the question does not name
    (HAIDIAN, Kind.PLACE, "北京人工智能企业数量很多。", 0.0),  # its only place is the question's own
])
def test_type_stated_means_the_sentence_names_one_the_question_does_not(assistant: Assistant, question: str,
                                                                        kind: Kind, sentence: str,
                                                                        stated: float) -> None:
    q = analyse(assistant.understand(question), np.zeros(assistant.index.embedder.dim, dtype=np.float32),
                assistant.context)
    assert q.qtype.kind is kind
    assert _type_stated(q, sentence, assistant.context) == stated


def _verifier_only(coef: float, intercept: float) -> LinearModel:
    """A model that listens to the verifier alone: P = sigmoid(coef × verified + intercept)."""
    n = len(ANSWERABLE_FEATURES)
    weights = np.zeros(n)
    weights[_VERIFIER] = coef
    return LinearModel(ANSWERABLE_FEATURES, np.zeros(n), np.ones(n), weights, intercept, {"answer": 0.5})


@pytest.mark.parametrize("coef", [0.5, 3.0, -0.5, -3.0])
def test_the_bound_takes_the_verifiers_most_favourable_verdict_whatever_its_weight(haidian: Judged,
                                                                                  coef: float) -> None:
    """A verdict exists that makes the question answerable (1 for a positive weight, 0 for a negative one), so
    the reader must run: no refusal before it, however small the weight."""
    model = _verifier_only(coef, -abs(coef) / 2 if coef > 0 else abs(coef) / 2)
    favourable, unfavourable = (1.0, 0.0) if coef > 0 else (0.0, 1.0)
    assert decide(haidian.evidence.verified_as(favourable), model).answerable
    assert not decide(haidian.evidence.verified_as(unfavourable), model).answerable
    assert refused_whatever_verified(haidian.evidence, model) is None


@pytest.mark.parametrize("coef", [0.5, -0.5])
def test_no_verdict_can_save_a_question_below_the_bound(haidian: Judged, coef: float) -> None:
    model = _verifier_only(coef, -1.0)  # even the favourable verdict leaves P below one half
    refused = refused_whatever_verified(haidian.evidence, model)
    assert refused is not None and not refused.answerable
    assert refused.probability == pytest.approx(1 / (1 + np.exp(1.0 - max(coef, 0.0))))  # at the favourable verdict
    assert refused.evidence.row[0, _VERIFIER] == (1.0 if coef > 0 else 0.0)


def test_sentence_coverage_counts_whole_terms_only(assistant: Assistant) -> None:
    """The sentence's coverage gives no half credit for a term found only in pieces (企业 for 获投企业): checked on
    the first candidate sentence that holds one that way."""
    j = judged(assistant, "2016年海淀区获投企业的占比是多少？", 0.5)
    terms = j.q.terms
    for n, candidate in enumerate(j.candidates):
        sentence = normal_form(candidate.text)
        whole = sum(w for t, w in terms.weights.items() if terms.found(sentence, t)) / terms.total
        if terms.coverage(sentence) > whole:
            row = evidence_for(j.q, n, j.candidates, j.scores, assistant.context, 0.5).row
            assert row[0, ANSWERABLE_FEATURES.index("sentence_coverage")] == pytest.approx(whole, abs=1e-6)
            return
    pytest.fail("no candidate sentence holds a question term only in pieces")


#: Questions with a word the report never uses whole but does in pieces (智能 of 智能汽车, 政府 of 海淀区政府 …).
IN_PIECES = ["智能汽车企业有多少家？", "海淀区政府出台了什么政策？", "北京的人工智能产业园有哪些？",
             "北京人脸识别企业有哪些？", "北京独角兽公司有多少家？"]


def test_document_coverage_counts_whole_terms_only(assistant: Assistant) -> None:
    """Like the sentence's, the document's coverage gives no half credit for a word it holds only in pieces:
    checked on the first of IN_PIECES whose chosen document holds one that way."""
    for question in IN_PIECES:
        j = judged(assistant, question, 0.5)
        terms = j.q.terms
        document = assistant.context.document_text(j.candidates[j.best].passage.source)
        whole = sum(w for t, w in terms.weights.items() if terms.found(document, t)) / terms.total
        if terms.coverage(document) > whole:
            assert j.features["document_coverage"] == pytest.approx(whole, abs=1e-6)
            return
    pytest.fail("no question of IN_PIECES has a word its document holds only in pieces")
