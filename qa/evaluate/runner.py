"""Run the assistant over a question file and score it: `results.jsonl`, `summary.json`, `report.html`.

`results.jsonl` is written and flushed one line per question as it is answered, so a Ctrl-C (or a crash)
leaves every finished question on disk; on Ctrl-C the summary and report are still written for the questions
done (`"interrupted": true`). `summary.json` and `report.html` are replaced atomically.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from tqdm import tqdm

from qa.evaluate import metrics as m
from qa.evaluate.questions import EvalError, EvalQuestion, RowError
from qa.pipeline import Assistant, QuestionError

#: Evidence must be among the first `EVIDENCE_TOP` citations for the retrieval check to pass.
EVIDENCE_TOP = 3
#: Citations listed per question by default (enough to measure hit@5).
DEFAULT_K = 5


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
    checks["answer_correct"] = (answered and m.answer_correct(answer, question.answer)
                                if answerable and question.answer else None)
    if answerable and question.evidence:
        rank = m.evidence_rank(texts, question.evidence)
        cited = {c.get("n") for c in citations} & set(m.marked_numbers(answer))
        checks.update({"evidence_rank": rank, "hit@1": m.hit_at(rank, 1), "hit@3": m.hit_at(rank, 3),
                       "hit@5": m.hit_at(rank, 5), "rr": m.reciprocal_rank(rank),
                       "citation_correct": answered and any(
                           m.contains_all(str(c.get("text", "")), question.evidence)
                           for c in citations if c.get("n") in cited)})
    else:
        checks.update({"evidence_rank": None, "hit@1": None, "hit@3": None, "hit@5": None, "rr": None,
                       "citation_correct": None})
    checks["citations_verbatim"] = all(str(c.get("text", "")) in documents.get(str(c.get("source")), "")
                                       for c in citations)
    checks["char_f1"] = (m.best_char_f1(answer if answered else "", question.reference)
                         if answerable else None)
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


def load_baseline(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise EvalError(f"找不到基线文件：{path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvalError(f"无法读取基线文件 {path}（{exc.__class__.__name__}），它应是上次评测的 summary.json") from None
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise EvalError(f"基线文件 {path} 不是 qa eval 写出的 summary.json（缺少 metrics）")
    data["path"] = str(path)
    return data


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


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise EvalError(f"无法写入 {path}：{exc.strerror or exc}") from None


@dataclass
class Evaluation:
    summary: dict[str, Any]
    results: list[dict[str, Any]]
    out_dir: Path

    @property
    def interrupted(self) -> bool:
        return bool(self.summary["interrupted"])


def evaluate(assistant: Assistant, questions: Sequence[EvalQuestion], out_dir: Path, *,
             k: int = DEFAULT_K, source: str = "", row_errors: Sequence[RowError] = (),
             baseline: dict[str, Any] | None = None, show_progress: bool = True) -> Evaluation:
    """Ask every question, writing results as they come; returns the summary (also written to `out_dir`)."""
    from qa.evaluate.report import render_report  # the report imports this module's METRICS

    max_k = assistant.settings.answer.max_k
    if not isinstance(k, int) or not 1 <= k <= max_k:
        raise EvalError(f"-k 必须是 1 到 {max_k} 之间的整数。")
    out_dir = Path(out_dir)
    results_path = out_dir / "results.jsonl"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        sink = results_path.open("w", encoding="utf-8")
    except OSError as exc:
        raise EvalError(f"无法写入输出目录 {out_dir}：{exc.strerror or exc}") from None
    documents = {d.source: d.text for d in assistant.index.documents.values()}
    results: list[dict[str, Any]] = []
    interrupted = False
    started = time.perf_counter()
    bar = tqdm(questions, desc="评测", unit="题", disable=not show_progress, file=sys.stderr)
    try:
        with sink:
            for question in bar:
                try:
                    result = {"id": question.id, **assistant.ask(question.q, k).to_json()}
                except QuestionError as exc:
                    result = {"id": question.id, "question": question.q, "answer": "", "answered": False,
                              "citations": [], "latency_ms": 0.0, "error": str(exc)}
                result["line"] = question.line
                result["expected"] = question.expected()
                result["checks"] = score(question, result, documents)
                results.append(result)
                try:
                    sink.write(json.dumps(result, ensure_ascii=False) + "\n")
                    sink.flush()
                except OSError as exc:
                    raise EvalError(f"无法写入 {results_path}：{exc.strerror or exc}") from None
                bar.set_postfix_str(f"通过 {sum(r['checks']['passed'] for r in results)}/{len(results)}")
    except KeyboardInterrupt:
        interrupted = True
    finally:
        bar.close()
    summary = {
        "file": source,
        "created": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
        "k": k,
        "interrupted": interrupted,
        "planned": len(questions),
        "seconds": round(time.perf_counter() - started, 2),
        "row_errors": [{"line": e.line, "message": e.message} for e in row_errors],
        **summarize(results),
    }
    if baseline is not None:
        summary["baseline"] = compare(summary, baseline)
    _write_atomic(out_dir / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    _write_atomic(out_dir / "report.html", render_report(summary, results))
    return Evaluation(summary, results, out_dir)


def format_summary(evaluation: Evaluation) -> str:
    """The few lines `qa eval` prints when done."""
    s = evaluation.summary
    c, x = s["counts"], s["metrics"]

    def f(key: str, digits: int = 2) -> str:
        return "–" if x[key] is None else f"{x[key]:.{digits}f}"

    head = f"评测 {c['questions']} 题（可回答 {c['answerable']}，不可回答 {c['unanswerable']}"
    head += f"，出错 {c['errors']}）" if c["errors"] else "）"
    if s["interrupted"]:
        head += f"，已中断：计划 {s['planned']} 题"
    lines = [
        head + f"，用时 {s['seconds']:.1f} 秒",
        f"答案正确率    {f('answer_accuracy')}（{c['answer_correct']}/{c['answer_keyed']}）",
        f"证据命中      @1 {f('hit@1')}  @3 {f('hit@3')}  @5 {f('hit@5')}  MRR {f('mrr', 3)}",
        f"引用正确率    {f('citation_accuracy')}   逐字出自原文 {f('citation_verbatim')}",
        f"拒答          精确率 {f('unanswerable_precision')}  召回率 {f('unanswerable_recall')}"
        f"（{c['unanswerable_refused']}/{c['unanswerable']} 拒答）",
    ]
    if c["with_reference"]:
        lines.append(f"字符 F1       {f('char_f1', 3)}（{c['with_reference']} 题有参考答案）")
    lines.append(f"延迟          p50 {f('latency_p50_ms', 1)} ms  p95 {f('latency_p95_ms', 1)} ms")
    if s["failed"]:
        lines.append("未通过：" + "；".join(f"{q}（{'、'.join(v)}）" for q, v in s["failed"].items()))
    else:
        lines.append(f"{'已完成的' if s['interrupted'] else '全部'} {c['questions']} 题通过。")
    if "baseline" in s:
        b = s["baseline"]
        labels = {x.key: x.label for x in METRICS}
        lines.append("对比基线：" + ("退步 " + "、".join(labels[k] for k in b["regressions"])
                                 if b["regressions"] else "无指标退步")
                     + (f"；新失败 {'、'.join(b['newly_failed'])}" if b["newly_failed"] else ""))
    out = evaluation.out_dir
    lines.append(f"结果已写入 {out / 'results.jsonl'}、{out / 'summary.json'}、{out / 'report.html'}")
    return "\n".join(lines)
