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

from qa.evaluate.questions import EvalError, EvalQuestion, RowError
from qa.evaluate.report import render_report
from qa.evaluate.scoring import METRICS, compare, score, summarize
from qa.pipeline import Assistant, QuestionError, check_k

#: Citations listed per question by default (enough to measure hit@5).
DEFAULT_K = 5


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
    k = check_k(k, assistant.settings.answer)
    out_dir = Path(out_dir)
    results_path = out_dir / "results.jsonl"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        sink = results_path.open("w", encoding="utf-8")
    except OSError as exc:
        raise EvalError(f"无法写入输出目录 {out_dir}：{exc.strerror or exc}") from None
    documents = {d.source: d.text for d in assistant.index.all_documents()}
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
                              "citations": [], "latency_ms": 0.0, "short_answer": None, "error": str(exc)}
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
        lines.append(f"字符 F1       {f('char_f1', 3)}（{c['with_reference']} 题有参考答案）"
                     f"   简答 EM {f('short_em', 3)}  F1 {f('short_f1', 3)}")
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
