"""`report.html`: one self-contained page — inline CSS and SVG, no scripts, fonts, images or links elsewhere.

Every piece of text that comes from a question file or an answer goes through `html.escape`.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any, Sequence

from qa.evaluate.metrics import contains_all, marked_numbers, strip_markers
from qa.evaluate.scoring import CHECKS, EVIDENCE_TOP, METRICS, Metric, is_regression

_CSS = """
:root { --ok:#1a7f37; --bad:#cf222e; --warn:#9a6700; --ink:#1f2328; --mute:#656d76; --line:#d0d7de;
        --bg:#f6f8fa; --accent:#0969da; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; color: var(--ink); background: #fff;
       font: 14px/1.55 -apple-system, "Segoe UI", "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 10px; }
.meta { color: var(--mute); margin-bottom: 16px; }
.banner { padding: 10px 14px; border-radius: 6px; margin: 10px 0; }
.banner.warn { background: #fff8c5; border: 1px solid #d4a72c; }
.banner.bad { background: #ffebe9; border: 1px solid #ff8182; }
.banner.ok { background: #dafbe1; border: 1px solid #4ac26b; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: var(--bg); }
.card .v { font-size: 28px; font-weight: 600; } .card .l { color: var(--mute); font-size: 13px; }
.card .s { color: var(--mute); font-size: 12px; }
.card.good .v { color: var(--ok); } .card.poor .v { color: var(--bad); }
.charts { display: flex; flex-wrap: wrap; gap: 20px; align-items: flex-start; }
.chartcol { display: flex; flex-direction: column; gap: 16px; }
.chart { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.chart h3 { font-size: 14px; margin: 0 0 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); font-weight: 600; position: sticky; top: 0; }
table.metrics { width: auto; min-width: 330px; } table.metrics td.n { text-align: right; font-variant-numeric: tabular-nums; }
.reg { color: var(--bad); font-weight: 600; } .imp { color: var(--ok); }
tr.fail td:first-child { border-left: 4px solid var(--bad); } tr.pass td:first-child { border-left: 4px solid var(--ok); }
.badge { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 12px; margin: 1px 2px 1px 0; }
.badge.bad { background: #ffebe9; color: var(--bad); } .badge.ok { background: #dafbe1; color: var(--ok); }
.badge.info { background: #ddf4ff; color: var(--accent); }
.keys span { display: inline-block; background: var(--bg); border: 1px solid var(--line); border-radius: 4px;
             padding: 0 4px; margin: 1px 2px; }
.keys .miss { border-color: var(--bad); color: var(--bad); }
td.q { min-width: 160px; } td.a { min-width: 220px; max-width: 380px; } td.c { max-width: 460px; font-size: 13px; }
details summary { cursor: pointer; color: var(--accent); }
.cit { margin: 4px 0 8px; } .cit .sec { color: var(--mute); font-size: 12px; }
.cit.used { border-left: 3px solid var(--accent); padding-left: 6px; }
mark { background: #fff3a3; padding: 0 1px; }
.mute { color: var(--mute); }
"""


def _fmt(value: float | None, metric: Metric | None = None) -> str:
    if value is None:
        return "–"
    if metric is not None and metric.unit == "ms":
        return f"{value:.1f} ms"
    return f"{value:.3f}" if metric is not None and metric.key == "mrr" else f"{value:.2f}"


def _highlight(text: str, needles: Sequence[str]) -> str:
    """Escape `text`, marking exact occurrences of the needles (evidence/answer keys) with <mark>."""
    spans: list[tuple[int, int]] = []
    for needle in needles:
        if not needle:
            continue
        start = text.find(needle)
        while start >= 0:
            spans.append((start, start + len(needle)))
            start = text.find(needle, start + len(needle))
    spans.sort()
    out, pos = [], 0
    for start, end in spans:
        if start < pos:
            continue
        out.append(escape(text[pos:start]) + f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def _bar_chart(summary: dict[str, Any]) -> str:
    """Horizontal bars (0…1) for the retrieval and answer metrics, with the baseline as a tick when given."""
    x = summary["metrics"]
    old = summary.get("baseline", {}).get("metrics", {})
    rows = [("hit@1", "命中@1"), ("hit@3", "命中@3"), ("hit@5", "命中@5"), ("mrr", "MRR"),
            ("answer_accuracy", "答案正确"), ("citation_accuracy", "引用正确"), ("unanswerable_recall", "拒答召回")]
    rows = [(k, label) for k, label in rows if x.get(k) is not None]
    left, width, bar_h, gap = 70, 260, 18, 8
    height = len(rows) * (bar_h + gap) + 24
    parts = [f'<svg width="{left + width + 60}" height="{height}" '
             f'role="img" aria-label="命中率与正确率">']
    for i, t in enumerate((0, 0.25, 0.5, 0.75, 1.0)):
        gx = left + width * t
        parts.append(f'<line x1="{gx:.1f}" y1="0" x2="{gx:.1f}" y2="{height - 18}" stroke="#d0d7de" '
                     f'stroke-dasharray="{"" if i in (0, 4) else "2,3"}"/>')
        parts.append(f'<text x="{gx:.1f}" y="{height - 4}" font-size="11" fill="#656d76" '
                     f'text-anchor="middle">{t:g}</text>')
    for i, (key, label) in enumerate(rows):
        y = i * (bar_h + gap) + 4
        value = float(x[key])
        colour = "#1a7f37" if value >= 0.9 else "#9a6700" if value >= 0.7 else "#cf222e"
        parts.append(f'<text x="{left - 6}" y="{y + bar_h - 5}" font-size="12" text-anchor="end" '
                     f'fill="#1f2328">{escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{max(width * value, 1):.1f}" height="{bar_h}" '
                     f'rx="3" fill="{colour}"><title>{escape(label)} {value:.3f}</title></rect>')
        label_x = left + width * max(value, float(old.get(key) or 0)) + 5
        parts.append(f'<text x="{label_x:.1f}" y="{y + bar_h - 5}" font-size="12" '
                     f'fill="#1f2328">{value:.2f}</text>')
        if old.get(key) is not None:
            ox = left + width * float(old[key])
            parts.append(f'<line x1="{ox:.1f}" y1="{y - 2}" x2="{ox:.1f}" y2="{y + bar_h + 2}" stroke="#1f2328" '
                         f'stroke-width="2"><title>基线 {float(old[key]):.3f}</title></line>')
    parts.append("</svg>")
    return "".join(parts)


def _latency_chart(results: Sequence[dict[str, Any]], summary: dict[str, Any]) -> str:
    """Histogram of per-question latency with the p50 and p95 marked."""
    values = [float(r["latency_ms"]) for r in results if "error" not in r]
    if not values:
        return '<p class="mute">没有延迟数据。</p>'
    step = _nice_step(max(values) / 10)
    bins = max(1, math.ceil(max(values) / step + 1e-9))
    counts = [0] * bins
    for v in values:
        counts[min(int(v / step), bins - 1)] += 1
    left, width, height, bottom, pad = 34, 330, 150, 30, 10
    most = max(counts)
    bw = width / bins
    parts = [f'<svg width="{left + width + 20}" height="{height + bottom + pad}" '
             f'role="img" aria-label="延迟分布"><g transform="translate(0,{pad})">']
    for i in range(0, most + 1, max(1, math.ceil(most / 4))):
        gy = height - height * i / most
        parts.append(f'<line x1="{left}" y1="{gy:.1f}" x2="{left + width}" y2="{gy:.1f}" stroke="#eaeef2"/>'
                     f'<text x="{left - 4}" y="{gy + 4:.1f}" font-size="11" fill="#656d76" '
                     f'text-anchor="end">{i}</text>')
    for i, n in enumerate(counts):
        h = height * n / most
        parts.append(f'<rect x="{left + i * bw + 1:.1f}" y="{height - h:.1f}" width="{bw - 2:.1f}" '
                     f'height="{h:.1f}" fill="#0969da" opacity="0.75"><title>{i * step:.0f}–{(i + 1) * step:.0f} ms：'
                     f'{n} 题</title></rect>')
    for i in range(0, bins + 1, max(1, math.ceil(bins / 6))):
        parts.append(f'<text x="{left + i * bw:.1f}" y="{height + 14}" font-size="11" fill="#656d76" '
                     f'text-anchor="middle">{i * step:.0f}</text>')
    parts.append(f'<text x="{left + width}" y="{height + 27}" font-size="11" fill="#656d76" '
                 f'text-anchor="end">毫秒</text>')
    for key, label, colour in (("latency_p50_ms", "p50", "#1a7f37"), ("latency_p95_ms", "p95", "#cf222e")):
        v = summary["metrics"].get(key)
        if v is None:
            continue
        px = left + width * min(v / (step * bins), 1)
        parts.append(f'<line x1="{px:.1f}" y1="0" x2="{px:.1f}" y2="{height}" stroke="{colour}" '
                     f'stroke-width="2" stroke-dasharray="4,2"/>'
                     f'<text x="{px + 3:.1f}" y="{12 if label == "p95" else 26}" font-size="11" '
                     f'fill="{colour}">{label} {v:.0f}</text>')
    parts.append("</g></svg>")
    return "".join(parts)


def _nice_step(raw: float) -> float:
    """The smallest 1/2/2.5/5 × 10^n at least `raw` (round histogram bins)."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    return next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= raw - 1e-12)


def _cards(summary: dict[str, Any]) -> str:
    x, c = summary["metrics"], summary["counts"]

    def card(value: float | None, label: str, sub: str, good: float | None = 0.9, digits: int = 2,
             unit: str = "") -> str:
        grade = "" if good is None or value is None else " good" if value >= good else " poor"
        shown = "–" if value is None else f"{value:.{digits}f}{unit}"
        return (f'<div class="card{grade}"><div class="v">{shown}</div><div class="l">{escape(label)}</div>'
                f'<div class="s">{escape(sub)}</div></div>')

    return '<div class="cards">' + "".join([
        card(x["answer_accuracy"], "答案正确率", f"{c['answer_correct']}/{c['answer_keyed']} 道可回答题"),
        card(x[f"hit@{EVIDENCE_TOP}"], f"证据命中 @{EVIDENCE_TOP}", f"{c['with_evidence']} 道有证据的题"),
        card(x["citation_accuracy"], "引用正确率", "答案所引段落含证据"),
        card(x["citation_verbatim"], "引用逐字出自原文", "所有引用段落", good=1.0),
        card(x["unanswerable_recall"], "拒答召回率",
             f"{c['unanswerable_refused']}/{c['unanswerable']} 道不可回答题被拒答"),
        card(x["latency_p95_ms"], "延迟 p95", f"p50 {_fmt(x['latency_p50_ms'], METRICS[-2])}", good=None, digits=0,
             unit=" ms"),
        card(c["passed"] / c["questions"] if c["questions"] else None, "全部检查通过",
             f"{c['passed']}/{c['questions']} 题"),
    ]) + "</div>"


def _metrics_table(summary: dict[str, Any]) -> str:
    x = summary["metrics"]
    base = summary.get("baseline")
    head = "<tr><th>指标</th><th>本次</th>" + ("<th>基线</th><th>变化</th>" if base else "") + "</tr>"
    rows = []
    for metric in METRICS:
        if x.get(metric.key) is None and not (base and base["metrics"].get(metric.key) is not None):
            continue
        new = x.get(metric.key)
        cells = f'<td>{escape(metric.label)}</td><td class="n">{_fmt(new, metric)}</td>'
        if base:
            old = base["metrics"].get(metric.key)
            cells += f'<td class="n">{_fmt(old, metric)}</td>'
            if new is None or old is None:
                cells += '<td class="n mute">–</td>'
            else:
                delta = new - old
                better = delta > 0 if metric.higher_is_better else delta < 0
                text = f"{delta:+.1f} ms" if metric.unit == "ms" else f"{delta:+.3f}"
                if is_regression(metric, new, old):
                    cells += f'<td class="n reg">{text} ▼ 退步</td>'
                elif abs(delta) > 1e-9 and better:
                    cells += f'<td class="n imp">{text} ▲</td>'
                else:
                    cells += f'<td class="n mute">{text}</td>'
        rows.append(f"<tr>{cells}</tr>")
    return f'<table class="metrics">{head}{"".join(rows)}</table>'


def _keys(keys: Sequence[str], present: Sequence[bool] | None = None) -> str:
    if not keys:
        return '<span class="mute">–</span>'
    marks = present or [True] * len(keys)
    return "".join(f'<span class="{"" if ok else "miss"}">{escape(k)}</span>' for k, ok in zip(keys, marks))


def _question_row(r: dict[str, Any], baseline: dict[str, Any] | None) -> str:
    checks, expected = r["checks"], r["expected"]
    failed = checks["failed"]
    status = "".join(f'<span class="badge bad" title="{escape(name)}">{escape(CHECKS.get(name, name))}</span>'
                     for name in failed) or '<span class="badge ok">通过</span>'
    if baseline:
        if r["id"] in baseline.get("newly_failed", []):
            status += '<span class="badge bad">▼ 基线时通过</span>'
        elif r["id"] in baseline.get("newly_passed", []):
            status += '<span class="badge ok">▲ 已修复</span>'
    details = []
    if checks.get("evidence_rank") is not None:
        details.append(f"证据在第 {checks['evidence_rank']} 个引用")
    elif checks.get("hit@1") is not None:
        details.append("引用中没有证据")
    if checks.get("char_f1") is not None:
        details.append(f"字符 F1 {checks['char_f1']:.2f}")
    if checks.get("short_f1") is not None:
        details.append(f"简答 F1 {checks['short_f1']:.2f}")
    details.append(f"{float(r.get('latency_ms', 0)):.0f} ms")
    answer_text = str(r.get("answer", ""))
    key_present = [contains_all(strip_markers(answer_text), [k]) for k in expected["answer"]]
    keys_html = (f'<div class="keys">答案：{_keys(expected["answer"], key_present)}</div>'
                 if expected["answer"] else "")
    if expected["evidence"]:
        keys_html += f'<div class="keys">证据：{_keys(expected["evidence"])}</div>'
    if expected["unanswerable"]:
        keys_html += '<span class="badge info">应拒答</span>'
    if expected.get("reference"):
        ref = expected["reference"]
        keys_html += f'<div class="mute">参考答案：{escape(ref if isinstance(ref, str) else " | ".join(ref))}</div>'
    if "error" in r:
        answer_html = f'<span class="reg">{escape(r["error"])}</span>'
    else:
        answer_html = escape(answer_text) + ("" if r.get("answered") else ' <span class="badge info">拒答</span>')
    used = set(marked_numbers(answer_text))
    cits = []
    for c in r.get("citations", []):
        where = escape(str(c.get("section") or c.get("source") or ""))
        cits.append(f'<div class="cit{" used" if c.get("n") in used else ""}"><b>[{int(c.get("n", 0))}]</b> '
                    f'<span class="sec">{where}</span><br>'
                    f'{_highlight(str(c.get("text", "")), list(expected["evidence"]))}</div>')
    cit_html = (f'<details{" open" if failed else ""}><summary>{len(cits)} 个引用段落</summary>{"".join(cits)}'
                f'</details>' if cits else '<span class="mute">无</span>')
    return (f'<tr class="{"fail" if failed else "pass"}" id="q-{escape(str(r["id"]))}">'
            f'<td>{escape(str(r["id"]))}</td><td>{status}<div class="mute">{" · ".join(map(escape, details))}</div></td>'
            f'<td class="q">{escape(str(r.get("question", "")))}</td><td>{keys_html}</td>'
            f'<td class="a">{answer_html}</td><td class="c">{cit_html}</td></tr>')


def render_report(summary: dict[str, Any], results: Sequence[dict[str, Any]]) -> str:
    """The whole page as a string (UTF-8, no external resources)."""
    c = summary["counts"]
    base = summary.get("baseline")
    banners = []
    if summary.get("interrupted"):
        banners.append(f'<div class="banner warn">评测被中断：只完成了 {c["questions"]}/{summary["planned"]} 题，'
                       f'以下指标只覆盖已完成的题目。</div>')
    if summary.get("row_errors"):
        items = "".join(f"<li>第 {int(e['line'])} 行：{escape(e['message'])}</li>" for e in summary["row_errors"])
        banners.append(f'<div class="banner warn">问题文件中有 {len(summary["row_errors"])} 行未能读取：'
                       f'<ul>{items}</ul></div>')
    if base:
        if base["regressions"] or base["newly_failed"]:
            labels = {m.key: m.label for m in METRICS}
            what = "、".join(labels[k] for k in base["regressions"]) or "无指标退步"
            newly = f"；新失败的题：{'、'.join(map(str, base['newly_failed']))}" if base["newly_failed"] else ""
            banners.append(f'<div class="banner bad">与基线相比退步：{escape(what + newly)}</div>')
        else:
            banners.append('<div class="banner ok">与基线相比没有退步。</div>')
    ordered = sorted(results, key=lambda r: (not r["checks"]["failed"], int(r.get("line") or 0)))
    failed_n = sum(1 for r in results if r["checks"]["failed"])
    base_note = f" · 基线 {escape(str(base.get('path') or ''))}" if base else ""
    rows = "".join(_question_row(r, base) for r in ordered)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>问答评测报告 · {escape(str(summary.get("file", "")))}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>问答评测报告</h1>
<div class="meta">{escape(str(summary.get("file", "")))} · {escape(str(summary.get("created", "")))} ·
{c["questions"]} 题（可回答 {c["answerable"]}，不可回答 {c["unanswerable"]}）· 每题 {int(summary.get("k", 0))} 个引用 ·
用时 {float(summary.get("seconds", 0)):.1f} 秒{base_note}</div>
{"".join(banners)}
{_cards(summary)}
<h2>指标与图表</h2>
<div class="charts">
<div>{_metrics_table(summary)}</div>
<div class="chartcol">
<div class="chart"><h3>证据命中率与正确率{"（竖线为基线）" if base else ""}</h3>{_bar_chart(summary)}</div>
<div class="chart"><h3>延迟分布（{c["questions"] - c["errors"]} 题）</h3>{_latency_chart(results, summary)}</div>
</div>
</div>
<h2>逐题结果（{failed_n} 题未通过，排在前面）</h2>
<table class="questions">
<tr><th>id</th><th>检查</th><th>问题</th><th>期望</th><th>答案</th><th>引用段落（<mark>证据</mark>已标出，蓝边为答案所引）</th></tr>
{rows}
</table>
</body>
</html>
"""
