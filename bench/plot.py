"""Draw docs/bench.png from bench/results/*.json (run after the benchmarks).

    .venv/bin/python bench/plot.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS, ROOT  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

OUT = ROOT / "docs" / "bench.png"


def load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def main() -> int:
    scale, latency, load_ = load("scale"), load("latency"), load("load")
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))

    ax = axes[0]
    if scale:
        flat = [r for r in scale["dense"] if r["kind"] == "flat"]
        ax.plot([r["passages"] for r in flat], [r["search"]["p50_ms"] for r in flat], "o-", label="flat (exact)")
        efs = sorted({r["ef_search"] for r in scale["dense"] if r["kind"] == "hnsw"})
        for ef in efs:
            rows = [r for r in scale["dense"] if r["kind"] == "hnsw" and r["ef_search"] == ef]
            label = f"HNSW efSearch={ef}" + (" (default)" if rows[0].get("default") else "")
            ax.plot([r["passages"] for r in rows], [r["search"]["p50_ms"] for r in rows], "s--", label=label,
                    alpha=1.0 if rows[0].get("default") else 0.45)
        bm25 = scale["bm25"]
        ax.plot([r["passages"] for r in bm25], [r["query"]["p50_ms"] for r in bm25], "^:", label="BM25 query")
        from qa.index.dense import ANN_THRESHOLD  # the threshold in force now

        ax.axvline(ANN_THRESHOLD, color="grey", lw=0.8)
        ax.text(ANN_THRESHOLD, 2.5, " ANN threshold", color="grey", fontsize=8)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("passages (synthetic)")
        ax.set_ylabel("search time per query, p50 (ms)")
        ax.set_title("Dense search: flat vs HNSW; BM25")
        ax.legend(fontsize=7)

    ax = axes[1]
    if scale:
        recall_rows = [r for r in scale["dense"] if r["kind"] == "hnsw"]
        for n in sorted({r["passages"] for r in recall_rows}):
            rows = sorted((r for r in recall_rows if r["passages"] == n), key=lambda r: r["ef_search"])
            ax.plot([r["search"]["p50_ms"] for r in rows], [r["recall_at_10"] for r in rows], "o-",
                    label=f"HNSW {n:,} passages")
            for r in rows:
                ax.annotate(str(r["ef_search"]), (r["search"]["p50_ms"], r["recall_at_10"]), fontsize=7)
        ax.set_xlabel("search time p50 (ms)")
        ax.set_ylabel("recall@10 vs flat")
        ax.set_title("HNSW recall/speed by efSearch")
        ax.legend(fontsize=7)

    ax = axes[2]
    bars: list[tuple[str, float, float]] = []
    if latency:
        w = latency["warm_in_process"]
        bars.append(("in-process\n(report)", w["ask"]["p50_ms"], w["ask"]["p95_ms"]))
        bars.append(("encoder only", w["encoder"]["p50_ms"], w["encoder"]["p95_ms"]))
        bars.append(("non-encoder", w["non_encoder"]["p50_ms"], w["non_encoder"]["p95_ms"]))
        c = latency["cli"]["answer_latency_reported"]
        bars.append(("CLI (answer,\nper call)", c["p50_ms"], c["p95_ms"]))
    if load_:
        bars.append((f"API under load\n(c={load_['concurrency']})", load_["valid"]["p50_ms"], load_["valid"]["p95_ms"]))
    if scale:
        for r in scale["ask"]:
            bars.append((f"in-process\n{r['passages'] // 1000}k synthetic", r["idle"]["ask"]["p50_ms"], r["idle"]["ask"]["p95_ms"]))
    if bars:
        xs = range(len(bars))
        ax.bar([x - 0.2 for x in xs], [b[1] for b in bars], width=0.4, label="p50")
        ax.bar([x + 0.2 for x in xs], [b[2] for b in bars], width=0.4, label="p95")
        ax.set_xticks(list(xs), [b[0] for b in bars], fontsize=7, rotation=30, ha="right")
        ax.set_yscale("log")
        ax.axhline(40, color="red", lw=0.8, ls="--")
        ax.axhline(100, color="orange", lw=0.8, ls="--")
        ax.set_ylabel("ms (log)")
        ax.set_title("Answer latency (p95 targets: 40 ms, report and 100k; worst question 100 ms)")
        ax.legend(fontsize=7)

    date = (latency or scale or {}).get("machine", {}).get("date", "")
    fig.suptitle(f"report-qa benchmarks — {date}", fontsize=10)
    fig.tight_layout()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT, dpi=110)
    print(f"→ {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
