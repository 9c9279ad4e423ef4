"""What `qa eval` writes per question, in its summary and in a comparison with a baseline — whole objects
compared, so a renamed key, a dropped count or a changed rounding fails (qa/evaluate/scoring.py; the cases
mutation testing found unchecked: latency regressions, a metric missing from the baseline, newly passed
questions, answerable questions without keys, refused answers, results with missing fields)."""

from __future__ import annotations

import pytest

from qa.evaluate.questions import EvalQuestion
from qa.evaluate.scoring import METRICS, compare, is_regression, score, summarize

DOCS = {"doc": "甲。乙含证据X。丙含答案A。丁。戊。己。"}
BY_KEY = {m.key: m for m in METRICS}


def result(answer: str, answered: bool, texts: list[str], latency: float = 10.0, **extra: object) -> dict:
    return {"answer": answer, "answered": answered, "latency_ms": latency, **extra,
            "citations": [{"n": i + 1, "source": "doc", "text": t} for i, t in enumerate(texts)]}


def unscored(**checks: object) -> dict:
    """The checks of an answerable question that has neither keys, evidence nor reference."""
    return {"answered": True, "refusal_ok": True, "answer_correct": None, "evidence_rank": None, "hit@1": None,
            "hit@3": None, "hit@5": None, "rr": None, "citation_correct": None, "citations_verbatim": True,
            "char_f1": None, "short_em": None, "short_f1": None, "failed": [], "passed": True, **checks}


def test_every_check_of_a_fully_keyed_question() -> None:
    q = EvalQuestion("q", "?", answer=("A",), evidence=("证据X",), reference=("答案A",))
    checks = score(q, result("丙含答案A。[1]", True, ["乙含证据X。", "丙含答案A。"], short_answer="答案A"), DOCS)
    assert checks == {"answered": True, "refusal_ok": True, "answer_correct": True, "evidence_rank": 1,
                      "hit@1": True, "hit@3": True, "hit@5": True, "rr": 1.0, "citation_correct": True,
                      "citations_verbatim": True, "char_f1": pytest.approx(0.75), "short_em": 1.0,
                      "short_f1": 1.0, "failed": [], "passed": True}


@pytest.mark.parametrize(("rank", "hits"), [(3, (False, True, True)), (4, (False, False, True)),
                                            (5, (False, False, True)), (6, (False, False, False))])
def test_evidence_hits_at_1_3_and_5(rank: int, hits: tuple[bool, bool, bool]) -> None:
    q = EvalQuestion("q", "?", evidence=("证据X",))
    texts = ["甲。", "丁。", "戊。", "己。", "丙含答案A。"][:rank - 1] + ["乙含证据X。"]
    checks = score(q, result("甲[1]", True, texts), DOCS)
    assert (checks["hit@1"], checks["hit@3"], checks["hit@5"]) == hits and checks["evidence_rank"] == rank
    assert ("evidence@3" in checks["failed"]) == (rank > 3)


def test_reading_comprehension_alternatives_decide_answer_evidence_and_citation() -> None:
    q = EvalQuestion("q", "?", answer_any=("答案A", "答案B"), evidence_any=("证据X", "证据Y"))
    right = score(q, result("丙含答案A。[2]", True, ["甲。", "乙含证据X。"]), DOCS)
    assert (right["answer_correct"], right["evidence_rank"], right["citation_correct"]) == (True, 2, True)
    wrong = score(q, result("只有丙。[1]", True, ["丙含答案A。", "甲。"]), DOCS)
    assert (wrong["answer_correct"], wrong["evidence_rank"], wrong["citation_correct"]) == (False, None, False)
    assert wrong["failed"] == ["answer", "evidence@3", "citation"]


def test_an_answerable_question_without_keys_is_scored_on_nothing_it_lacks() -> None:
    q = EvalQuestion("q", "?")
    assert score(q, result("任何回答[1]", True, ["甲。"]), DOCS) == unscored()


def test_an_unanswerable_question_is_only_scored_on_refusal_and_verbatim_quotes() -> None:
    q = EvalQuestion("u", "?", unanswerable=True, evidence=("证据X",), reference=("答案A",))
    refused = score(q, result("抱歉，报告中没有答案A。", False, ["乙含证据X。"], short_answer="答案A"), DOCS)
    assert refused == unscored(answered=False)
    answered = score(q, result("丙含答案A。[1]", True, ["改写的原文"]), DOCS)
    assert answered == unscored(refusal_ok=False, citations_verbatim=False, failed=["refusal", "verbatim"],
                                passed=False)


def test_a_refused_answer_earns_no_text_overlap() -> None:
    q = EvalQuestion("q", "?", reference=("x86 答案A",))
    refused = score(q, result("抱歉，没有找到 x86 答案A。", False, [], short_answer="x86 答案A"), DOCS)
    assert (refused["char_f1"], refused["short_em"], refused["short_f1"]) == (0.0, 0.0, 0.0)
    silent = score(q, result("x86 答案A", True, []), DOCS)  # answered without a short answer
    assert (silent["char_f1"], silent["short_em"], silent["short_f1"]) == (1.0, 0.0, 0.0)


def test_an_error_is_the_only_failure_of_a_question_that_errored() -> None:
    q = EvalQuestion("q", "?", answer=("A",), evidence=("证据X",))
    errored = {"answer": "", "answered": False, "citations": [], "latency_ms": 0.0, "short_answer": None,
               "error": "出错"}
    assert score(q, errored, DOCS)["failed"] == ["error"]


def test_missing_fields_count_as_empty_never_as_text() -> None:
    q = EvalQuestion("q", "?", answer_any=("none", "xxxx"), evidence_any=("none", "xxxx"))
    bare = score(q, {"answered": True, "citations": [{"n": 1, "source": "doc"}]}, {"doc": "None XXXX"})
    assert (bare["answer_correct"], bare["evidence_rank"], bare["citation_correct"]) == (False, None, False)
    cited = score(q, {"answered": True, "answer": "见[1]", "citations": [{"n": 1, "source": "doc"}]},
                  {"doc": "甲。"})
    assert cited["citation_correct"] is False
    assert cited["citations_verbatim"]  # no text quotes nothing wrongly
    elsewhere = score(EvalQuestion("e", "?"), result("", True, ["XX"]) | {"citations": [
        {"n": 1, "source": "other", "text": "XX"}]}, DOCS)
    assert elsewhere["citations_verbatim"] is False  # a source the corpus does not have


def _line(q: EvalQuestion, raw: dict) -> dict:
    return {"id": q.id, **raw, "expected": q.expected(), "checks": score(q, raw, DOCS)}


def test_summary_counts_metrics_rounding_and_failures() -> None:
    keyed = EvalQuestion("a", "?", answer=("A",), evidence=("证据X",), reference=("答案A",))
    keyed2 = EvalQuestion("b", "?", answer=("乙",), evidence=("证据X",), reference=("乙",))
    keyed3 = EvalQuestion("c", "?", answer=("丁",), evidence=("证据X",))
    unanswerable = EvalQuestion("u", "?", unanswerable=True)
    lines = [_line(keyed, result("丙含答案A。[2]", True, ["甲。", "乙含证据X。"], 10.123, short_answer="答案A")),
             _line(keyed2, result("乙含证据X。[1]", True, ["乙含证据X。"], 20.456, short_answer="证据")),
             _line(keyed3, result("抱歉", False, ["甲。", "丁。", "戊。", "乙含证据X。"], 30.789)),
             _line(unanswerable, result("抱歉", False, [], 40.456)),
             {"id": "e", "answer": "", "answered": False, "citations": [], "latency_ms": 0.0, "error": "出错",
              "expected": keyed.expected(), "checks": score(keyed, {"error": "出错"}, DOCS)}]
    summary = summarize(lines)
    assert summary["metrics"] == {
        "answer_accuracy": 0.6667, "hit@1": 0.3333, "hit@3": 0.6667, "hit@5": 1.0, "mrr": 0.5833,
        "citation_accuracy": 0.6667, "citation_verbatim": 1.0, "char_f1": 0.5417, "short_em": 0.5,
        "short_f1": 0.5, "unanswerable_precision": 0.5, "unanswerable_recall": 1.0,
        "latency_p50_ms": 25.62, "latency_p95_ms": 39.01}
    assert summary["counts"] == {"questions": 5, "errors": 1, "answerable": 3, "unanswerable": 1,
                                 "answer_keyed": 3, "answer_correct": 2, "with_evidence": 3, "with_reference": 2,
                                 "refused": 2, "unanswerable_refused": 1, "passed": 3}
    assert summary["latency_ms"] == {"mean": 25.46, "max": 40.46}
    assert summary["failed"] == {"c": ["refusal", "answer", "evidence@3", "citation"], "e": ["error"]}
    assert summary["per_question"] == {"a": True, "b": True, "c": False, "u": True, "e": False}


def test_refusals_are_counted_apart_from_answers() -> None:
    q = EvalQuestion("a", "?")
    lines = [_line(q, result("回答", True, [])), _line(q, result("回答", True, [])), _line(q, result("抱歉", False, []))]
    assert summarize(lines)["counts"]["refused"] == 1


def test_summary_of_nothing_but_errors_has_no_metrics() -> None:
    q = EvalQuestion("a", "?", answer=("A",))
    summary = summarize([{"id": "a", "error": "出错", "answered": False, "expected": q.expected(),
                          "checks": score(q, {"error": "出错"}, DOCS)}])
    assert set(summary["metrics"].values()) == {None}
    assert summary["latency_ms"] == {"mean": None, "max": None}
    assert summary["counts"]["errors"] == 1 and summary["counts"]["passed"] == 0


@pytest.mark.parametrize(("key", "new", "old", "regressed"), [
    ("answer_accuracy", 0.9, 0.95, True), ("answer_accuracy", 0.95, 0.95, False),
    ("answer_accuracy", 0.96, 0.95, False), ("answer_accuracy", None, 0.95, False),
    ("answer_accuracy", 0.5, None, False),
    ("latency_p95_ms", 126.0, 100.0, True),   # 26 % and 26 ms slower
    ("latency_p95_ms", 125.0, 100.0, False),  # not more than 25 % slower
    ("latency_p95_ms", 30.0, 20.0, False),    # 50 % slower but only 10 ms
    ("latency_p95_ms", 31.0, 20.0, True),
    ("latency_p50_ms", 80.0, 100.0, False)])
def test_a_regression_is_a_worse_metric_and_for_latency_a_slowdown_beyond_noise(
        key: str, new: float | None, old: float | None, regressed: bool) -> None:
    assert is_regression(BY_KEY[key], new, old) is regressed


def test_comparison_with_a_baseline() -> None:
    summary = {"metrics": {"answer_accuracy": 0.9, "hit@1": 0.8, "latency_p95_ms": 60.0, "short_f1": 0.5},
               "per_question": {"a": True, "b": False, "c": True, "d": False, "new": True}}
    baseline = {"path": "/tmp/old/summary.json",
                "metrics": {"answer_accuracy": 0.95, "hit@1": 0.8, "latency_p95_ms": 40.0},
                "per_question": {"a": False, "b": True, "c": True, "d": False}}
    assert compare(summary, baseline) == {
        "path": "/tmp/old/summary.json",
        "metrics": {"answer_accuracy": 0.95, "hit@1": 0.8, "latency_p95_ms": 40.0, "short_f1": None},
        "regressions": ["answer_accuracy", "latency_p95_ms"],
        "newly_failed": ["b"], "newly_passed": ["a"]}
    assert compare(summary, {})["regressions"] == [] and compare(summary, {})["newly_passed"] == []
