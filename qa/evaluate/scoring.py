"""Per-question checks and the summary of a `qa eval` run: pure functions of result dicts, no I/O.

Shared by the runner (which writes `results.jsonl`/`summary.json`) and the report (which renders them), so
neither imports the other's internals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from qa.evaluate import metrics as m
from qa.evaluate.questions import EvalQuestion

#: Evidence must be among the first `EVIDENCE_TOP` citations for the retrieval check to pass.
EVIDENCE_TOP = 3


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    higher_is_better: bool = True
    unit: str = ""


#: Headline metrics, in display order; `summary.json["metrics"]` holds them flat under these keys.
METRICS: tuple[Metric, ...] = (
    Metric("answer_accuracy", "答案正确率（可回答题）"),
    Metric("hit@1", "证据命中 @1"),
    Metric("hit@3", "证据命中 @3"),
    Metric("hit@5", "证据命中 @5"),
    Metric("mrr", "证据 MRR"),
    Metric("citation_accuracy", "引用正确率（答案所引段落含证据）"),
    Metric("citation_verbatim", "引用逐字出自原文"),
    Metric("char_f1", "字符 F1（对参考答案）"),
    Metric("short_em", "简答精确匹配 EM"),
    Metric("short_f1", "简答字符 F1"),
    Metric("unanswerable_precision", "拒答精确率"),
    Metric("unanswerable_recall", "拒答召回率"),
    Metric("latency_p50_ms", "延迟 p50", higher_is_better=False, unit="ms"),
    Metric("latency_p95_ms", "延迟 p95", higher_is_better=False, unit="ms"),
)
#: A latency is a regression only beyond noise: more than this factor *and* this many ms slower.
LATENCY_TOLERANCE = (1.25, 10.0)
#: Names of the pass/fail checks, as listed in each result's `failed`.
CHECKS = {
    "error": "提问出错",
    "refusal": "拒答判断错误",
    "answer": "答案缺少关键词",
    f"evidence@{EVIDENCE_TOP}": f"证据不在前 {EVIDENCE_TOP} 个引用中",
    "citation": "答案所引段落不含证据",
    "verbatim": "引用不是原文",
}


def score(question: EvalQuestion, result: dict[str, Any], documents: dict[str, str]) -> dict[str, Any]:
    """Per-question checks for one `qa ask --json` object (see CHECKS for what `failed` may name)."""
    answered = bool(result.get("answered"))
    answer = str(result.get("answer", ""))
    citations = result.get("citations") or []
    texts = [str(c.get("text", "")) for c in citations]
    answerable = not question.unanswerable
    checks: dict[str, Any] = {"answered": answered, "refusal_ok": answered == answerable}
    checks["answer_correct"] = (answered and m.answer_correct(answer, question.answer, question.answer_any)
                                if answerable and question.keyed else None)
    if answerable and question.evidenced:
        rank = m.evidence_rank(texts, question.evidence, question.evidence_any)
        cited = {c.get("n") for c in citations} & set(m.marked_numbers(answer))
        checks.update({"evidence_rank": rank, "hit@1": m.hit_at(rank, 1), "hit@3": m.hit_at(rank, 3),
                       "hit@5": m.hit_at(rank, 5), "rr": m.reciprocal_rank(rank),
                       "citation_correct": answered and any(
                           m.holds(str(c.get("text", "")), question.evidence, question.evidence_any)
                           for c in citations if c.get("n") in cited)})
    else:
        checks.update({"evidence_rank": None, "hit@1": None, "hit@3": None, "hit@5": None, "rr": None,
                       "citation_correct": None})
    checks["citations_verbatim"] = all(str(c.get("text", "")) in documents.get(str(c.get("source")), "")
                                       for c in citations)
    checks["char_f1"] = (m.best_char_f1(answer if answered else "", question.reference)
                         if answerable else None)
    short = result.get("short_answer") if answered else None
    checks["short_em"] = m.exact_match(short, question.reference) if answerable else None
    checks["short_f1"] = m.best_char_f1(short or "", question.reference) if answerable else None
    failed = []
    if "error" in result:
        failed.append("error")
    else:
        if not checks["refusal_ok"]:
            failed.append("refusal")
        if checks["answer_correct"] is False:
            failed.append("answer")
        if checks["hit@1"] is not None and not m.hit_at(checks["evidence_rank"], EVIDENCE_TOP):
            failed.append(f"evidence@{EVIDENCE_TOP}")
        if checks["citation_correct"] is False:
            failed.append("citation")
        if not checks["citations_verbatim"]:
            failed.append("verbatim")
    checks["failed"] = failed
    checks["passed"] = not failed
    return checks


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def summarize(results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Overall metrics from result lines (each holds `expected` and `checks`, as in results.jsonl)."""
    ok = [r for r in results if "error" not in r]
    answerable = [r for r in ok if not r["expected"]["unanswerable"]]
    keyed = [r for r in answerable if r["checks"]["answer_correct"] is not None]
    evidenced = [r for r in answerable if r["checks"]["hit@1"] is not None]
    cited = [r for r in answerable if r["checks"]["citation_correct"] is not None]
    f1 = [r["checks"]["char_f1"] for r in answerable if r["checks"]["char_f1"] is not None]
    short_em = [r["checks"].get("short_em") for r in answerable if r["checks"].get("short_em") is not None]
    short_f1 = [r["checks"].get("short_f1") for r in answerable if r["checks"].get("short_f1") is not None]
    precision, recall = m.refusal_precision_recall([not r["answered"] for r in ok],
                                                   [r["expected"]["unanswerable"] for r in ok])
    latencies = [float(r["latency_ms"]) for r in ok]
    metrics = {
        "answer_accuracy": m.mean(r["checks"]["answer_correct"] for r in keyed),
        "hit@1": m.mean(r["checks"]["hit@1"] for r in evidenced),
        "hit@3": m.mean(r["checks"]["hit@3"] for r in evidenced),
        "hit@5": m.mean(r["checks"]["hit@5"] for r in evidenced),
        "mrr": m.mean(r["checks"]["rr"] for r in evidenced),
        "citation_accuracy": m.mean(r["checks"]["citation_correct"] for r in cited),
        "citation_verbatim": m.mean(r["checks"]["citations_verbatim"] for r in ok),
        "char_f1": m.mean(f1),
        "short_em": m.mean(short_em),
        "short_f1": m.mean(short_f1),
        "unanswerable_precision": precision,
        "unanswerable_recall": recall,
        "latency_p50_ms": m.percentile(latencies, 50),
        "latency_p95_ms": m.percentile(latencies, 95),
    }
    unanswerable = [r for r in ok if r["expected"]["unanswerable"]]
    counts = {
        "questions": len(results), "errors": len(results) - len(ok),
        "answerable": len(answerable), "unanswerable": len(unanswerable),
        "answer_keyed": len(keyed), "answer_correct": sum(bool(r["checks"]["answer_correct"]) for r in keyed),
        "with_evidence": len(evidenced), "with_reference": len(f1),
        "refused": sum(not r["answered"] for r in ok),
        "unanswerable_refused": sum(not r["answered"] for r in unanswerable),
        "passed": sum(r["checks"]["passed"] for r in results),
    }
    return {
        "metrics": {k: _round(v, 2 if k.startswith("latency") else 4) for k, v in metrics.items()},
        "counts": counts,
        "latency_ms": {"mean": _round(m.mean(latencies), 2), "max": _round(max(latencies, default=None), 2)},
        "failed": {r["id"]: r["checks"]["failed"] for r in results if r["checks"]["failed"]},
        "per_question": {r["id"]: r["checks"]["passed"] for r in results},
    }


def is_regression(metric: Metric, new: float | None, old: float | None) -> bool:
    if new is None or old is None:
        return False
    if metric.higher_is_better:
        return new < old - 1e-9
    factor, slack = LATENCY_TOLERANCE
    return new > old * factor and new > old + slack


def compare(summary: dict[str, Any], baseline: dict[str, Any]) -> dict[str, Any]:
    """Metric regressions and per-question changes against a previous summary.json."""
    old_metrics, new_metrics = baseline.get("metrics", {}), summary["metrics"]
    old_passed = baseline.get("per_question") or {}
    new_passed = summary["per_question"]
    return {
        "path": baseline.get("path"),
        "metrics": {k: old_metrics.get(k) for k in new_metrics},
        "regressions": [x.key for x in METRICS if is_regression(x, new_metrics.get(x.key), old_metrics.get(x.key))],
        "newly_failed": [q for q, ok in new_passed.items() if not ok and old_passed.get(q) is True],
        "newly_passed": [q for q, ok in new_passed.items() if ok and old_passed.get(q) is False],
    }
