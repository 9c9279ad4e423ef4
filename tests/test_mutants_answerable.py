"""What the answerability judgement (qa/answer/answerable.py) rests on, for questions asked of the bundled report:
the evidence a refusal names (missing years, words the report never uses, missing names, heaviest first) and the
features the bundled model was trained on, each meaning what its name says. A feature that silently changed
meaning would feed the trained model inputs it never saw: refusals and answers would shift with no test failing.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from judging import Judged, judged, rejudged
from qa.answer.answerable import ANSWERABLE_FEATURES, Judgement
from qa.answer.model import LinearModel, bundled_model
from qa.understand.kind import Kind
from qa.pipeline import Assistant

VERIFIED = 0.25
QUESTIONS = {
    "other_year": "2016年海淀区获投企业的占比是多少？",
    "latin_name": "ChatGPT是什么时候发布的？",
    "other_number": "单次融资超过100亿元的北京AI企业有多少家？",
    "why": "北京人工智能企业为什么受到资本认可？",
    "listing": "报告提出了哪些对策建议？",
}
ALL = list(QUESTIONS)


@pytest.fixture(scope="module")
def searched(assistant: Assistant) -> dict[str, Judged]:
    return {name: judged(assistant, question, VERIFIED) for name, question in QUESTIONS.items()}


@pytest.fixture()
def cases(assistant: Assistant, searched: dict[str, Judged]) -> dict[str, Judged]:
    """Judged again in every test (cheap: the search is kept), so that each test calls the judgement it checks."""
    return {name: rejudged(j, assistant) for name, j in searched.items()}


@pytest.mark.parametrize("name", ALL)
def test_features_that_restate_the_inputs(cases: dict[str, Judged], name: str) -> None:
    j = cases[name]
    f = j.features
    assert j.evidence.row.shape == (1, len(ANSWERABLE_FEATURES)) and j.evidence.row.dtype == np.float32
    ordered = sorted(j.scores.tolist(), reverse=True)
    margin = ordered[0] - ordered[1] if len(ordered) > 1 else ordered[0]  # a lone candidate leads by its score
    assert f["selector"] == pytest.approx(ordered[0]) and f["selector_margin"] == pytest.approx(margin)
    assert f["verifier"] == VERIFIED
    assert f["dense"] == pytest.approx(float(j.q.vector @ j.candidates[j.best].vector), abs=1e-5)
    assert f["log_terms"] == pytest.approx(math.log1p(len(j.q.terms.weights)))
    kind = j.q.qtype.kind
    assert f["typed"] == float(kind in (Kind.TIME, Kind.QUANTITY, Kind.PERSON, Kind.PLACE, Kind.ORG))
    assert (f["why_how"], f["list"]) == (float(kind in (Kind.WHY, Kind.HOW)), float(kind is Kind.LIST))
    assert 0.0 <= f["anchor_share"] <= 1.0


@pytest.mark.parametrize("name", ALL)
def test_missing_and_present_terms_split_the_question_heaviest_first(cases: dict[str, Judged], name: str) -> None:
    j = cases[name]
    e, f, weights = j.evidence, j.features, j.q.terms.weights
    assert sorted(e.missing_terms + e.present_terms) == sorted(weights)
    for terms in (e.missing_terms, e.present_terms, e.absent_terms):
        assert [weights[t] for t in terms] == sorted((weights[t] for t in terms), reverse=True)
    assert set(e.absent_terms) <= set(e.missing_terms)
    assert f["local_missing_share"] == pytest.approx(j.share(e.missing_terms), abs=1e-6)
    assert e.covered == pytest.approx(1.0 - j.share(e.missing_terms))
    assert f["local_coverage"] == pytest.approx(e.covered, abs=1e-6)
    heaviest = max((weights[t] for t in e.missing_terms), default=0.0) / j.q.terms.total
    assert f["local_missing_max"] == pytest.approx(heaviest, abs=1e-6)
    assert f["sentence_missing_share"] >= f["local_missing_share"] - 1e-6  # the sentence holds less than around it
    assert f["sentence_missing_max"] <= f["sentence_missing_share"] + 1e-6
    assert f["best_candidate_coverage"] >= f["sentence_coverage"] - 1e-6
    assert f["document_coverage"] >= f["local_coverage"] - 1e-6


def test_a_year_the_report_has_elsewhere_is_missing_near_the_sentence(cases: dict[str, Judged]) -> None:
    other_year = cases['other_year']
    e, f = other_year.evidence, other_year.features
    assert e.missing_years == ("2016",) and e.missing_terms == ("2016",) and e.absent_terms == ()
    # heaviest first: 获投企业 outweighs 海淀区, which the report also writes 海淀 (a place named with its level)
    assert e.present_terms == ("获投企业", "海淀区", "占比") and e.missing_names == ()  # jieba's 占/比 joined
    assert (f["years_asked"], f["year_missing_local"], f["year_missing_sentence"]) == (1.0, 1.0, 1.0)
    assert f["document_coverage"] == pytest.approx(1.0)  # 2016 is in the report, not near this sentence
    assert f["sentence_missing_share"] == pytest.approx(other_year.share(("2016",)), abs=1e-6)
    assert f["sentence_missing_max"] == pytest.approx(other_year.share(("2016",)), abs=1e-6)
    assert (f["names_asked"], f["name_missing_local"], f["latin_name_missing_local"]) == (1.0, 0.0, 0.0)
    assert f["number_missing_local"] == 0.0 and f["latin_share"] == 0.0 and f["missing_chars_found"] == 0.0
    assert f["type_stated"] == 1.0  # a quantity question, and the sentence states 62.44%
    assert not other_year.judgement.answerable


def test_a_latin_name_the_report_never_uses_is_named_absent(cases: dict[str, Judged]) -> None:
    latin_name = cases['latin_name']
    e, f = latin_name.evidence, latin_name.features
    assert e.absent_terms == ("chatgpt",) and e.missing_names == ("chatgpt",) and e.present_terms == ("发布",)
    assert f["latin_share"] == pytest.approx(latin_name.share(("chatgpt",)), abs=1e-6)
    assert (f["names_asked"], f["name_missing_local"], f["latin_name_missing_local"]) == (1.0, 0.0, 1.0)
    assert (f["years_asked"], f["year_missing_local"], f["year_missing_sentence"]) == (0.0, 0.0, 0.0)
    assert e.missing_years == ()
    assert f["document_coverage"] == pytest.approx(1.0 - latin_name.share(("chatgpt",)), abs=1e-6)
    assert not latin_name.judgement.answerable


def test_a_number_the_neighbourhood_lacks_is_flagged(cases: dict[str, Judged]) -> None:
    other_number = cases['other_number']
    e, f = other_number.evidence, other_number.features
    assert e.missing_terms == ("100",) and e.absent_terms == () and e.missing_names == ()
    assert f["number_missing_local"] == 1.0 and f["years_asked"] == 0.0
    # the evidence is the sentence with the figures ("119家…超过1亿元…超过10亿元"), whichever others retrieval brings
    assert "119家" in other_number.candidates[other_number.best].text
    assert (f["names_asked"], f["name_missing_local"]) == (2.0, 0.0)


@pytest.mark.parametrize("name", ["why", "listing"])
def test_questions_asking_for_no_type_are_neither_typed_nor_stated(cases: dict[str, Judged], name: str) -> None:
    j = cases[name]
    assert j.features["type_stated"] == 0.5 and j.features["typed"] == 0.0
    assert j.evidence.missing_terms == () and j.evidence.covered == pytest.approx(1.0)
    assert j.judgement.answerable


def test_the_decision_is_the_probability_against_the_models_threshold(assistant: Assistant,
                                                                     cases: dict[str, Judged]) -> None:
    why = cases["why"]
    bundled = bundled_model("answerable", ANSWERABLE_FEATURES)
    assert why.judgement.probability == pytest.approx(float(bundled.probabilities(why.evidence.row)[0]))
    assert why.judgement.answerable == (why.judgement.probability >= bundled.thresholds["answer"])
    n = len(ANSWERABLE_FEATURES)

    def flat(intercept: float, thresholds: dict[str, float]) -> Judgement:
        model = LinearModel(ANSWERABLE_FEATURES, np.zeros(n), np.ones(n), np.zeros(n), intercept, thresholds)
        return judged(assistant, QUESTIONS["why"], VERIFIED, model).judgement

    even = flat(0.0, {})
    assert even.probability == 0.5 and even.answerable  # no threshold named: 0.5, and reaching it is enough
    assert not flat(-0.01, {}).answerable
    assert not flat(0.0, {"answer": 0.6}).answerable and flat(0.0, {"answer": 0.4}).answerable
