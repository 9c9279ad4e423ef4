"""Retrieval and whole-answer latency, embedded (bm25s + FAISS) against Milvus Lite (`--milvus x.db`), on the
bundled report: the 30 dev questions, both paths interleaved question by question in one process, so the ratio
holds even on a busy machine. Also the process's RSS after each index is open.

    .venv/bin/python bench/engines_latency.py            # ~1 min → results/engines_latency.json

Milvus Lite is the test and laptop engine (its HNSW is faiss, its BM25 runs in Python); a Milvus server answers
over the network with its own engine, so this measures the code path, not a cluster's latency.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, peak_rss_mb, summary, use_server_threads, write_result  # noqa: E402

ROUNDS = 5


def main() -> int:
    use_server_threads()
    from qa.config import Settings
    from qa.index.loader import open_index
    from qa.pipeline import Assistant
    from qa.retrieve.hybrid import retrieve

    questions = [json.loads(line)["q"] for line in (ROOT.parent / "shared" / "eval" / "dev_qa.jsonl").open()]
    base = Path(tempfile.mkdtemp(prefix="engines-"))
    try:
        embedded = Settings(index_dir=base / "embedded")
        first = Assistant(embedded, show_progress=False)
        rss = {"embedded_mb": peak_rss_mb()}
        (base / "milvus").mkdir()
        for cache in embedded.index_dir.glob("vectors-*.npz"):
            shutil.copy(cache, base / "milvus" / cache.name)
        milvus = replace(embedded, index_dir=base / "milvus", milvus=str(base / "lite.db"))
        second = Assistant(milvus, index=open_index(milvus, show_progress=False, embedder=first.index.embedder),
                           show_progress=False)
        rss["both_mb"] = peak_rss_mb()
        timings: dict[str, list[float]] = {"embedded_retrieve": [], "milvus_retrieve": [], "embedded_ask": [],
                                           "milvus_ask": []}
        for _ in range(ROUNDS):
            for question in questions:
                for name, assistant in (("embedded", first), ("milvus", second)):
                    started = time.perf_counter()
                    retrieve(assistant.index, question, 8, assistant.settings.retrieval)
                    timings[f"{name}_retrieve"].append((time.perf_counter() - started) * 1000)
                    timings[f"{name}_ask"].append(assistant.ask(question).latency_ms)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    result = {name: summary(values) for name, values in timings.items()}
    result["ratio_p50_ask"] = round(result["milvus_ask"]["p50_ms"] / result["embedded_ask"]["p50_ms"], 2)
    result["ratio_p95_ask"] = round(result["milvus_ask"]["p95_ms"] / result["embedded_ask"]["p95_ms"], 2)
    result["peak_rss"] = rss
    write_result("engines_latency", result)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
