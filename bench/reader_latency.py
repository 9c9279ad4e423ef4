"""Answer latency on a CMRC-size corpus with the transformer reader in the path: p50/p95 of a whole answer against
the query encoder's own time, idle and beside one CPU hog, in one run (issue 19: p95 ≤ 80 ms and ≤ 4 × the encoder).

    .venv/bin/qa eval ../shared/eval/cmrc2018_trial.json --out CMRC_DIR   # builds CMRC_DIR/corpus and /index
    .venv/bin/python bench/reader_latency.py CMRC_DIR [--questions 300]   # writes bench/results/reader_latency.json

Runs with the server's thread policy (one thread per call, passive waits). The idle and the hog condition ask
different questions of the same set, each after emptying the answer caches. The slowest questions of each
condition are asked again (`RETIMED` questions, `REPEATS` times each, caches emptied before each): the worst-case
question is the slowest median, so one sample stretched by the machine (a neighbour's burst, a page fault) is told
apart from a question that is slow every time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, clear_answer_caches, summary, use_server_threads, write_result  # noqa: E402

use_server_threads()

from bench_latency import TimedEmbedder  # noqa: E402
from serving import cpu_hogs  # noqa: E402

from qa.config import Settings  # noqa: E402
from qa.pipeline import Assistant  # noqa: E402

CMRC = ROOT.parent / "shared" / "eval" / "cmrc2018_trial.json"
#: How many of the slowest questions are asked again, and how often each.
RETIMED = 5
REPEATS = 5


def measure(assistant: Assistant, timed: TimedEmbedder, questions: list[str]) -> dict[str, object]:
    clear_answer_caches()
    for q in questions[:10]:
        assistant.ask(q)  # loads the reader again after the cache was emptied
    total, encode = [], []
    for q in questions[10:]:
        total.append(_timed_ask(assistant, q))
        encode.append(timed.last_ms)
    ask, enc = summary(total), summary(encode)
    slowest = sorted(zip(total, questions[10:]), reverse=True)[:RETIMED]
    retimed = [{"question": q, "first_ms": round(first, 1), "median_ms": round(_median_ask(assistant, q), 1)}
               for first, q in slowest]
    return {"ask": ask, "encoder": enc, "p95_to_encoder_p95": round(ask["p95_ms"] / enc["p95_ms"], 2),
            "slowest_retimed": retimed, "worst_question_median_ms": max(r["median_ms"] for r in retimed)}


def _timed_ask(assistant: Assistant, question: str) -> float:
    t = time.perf_counter()
    assistant.ask(question)
    return (time.perf_counter() - t) * 1000


def _median_ask(assistant: Assistant, question: str) -> float:
    """The median of `REPEATS` answers to one question, each after emptying the per-text caches (a repeated
    question would otherwise find its words segmented and scored already); the loaded models stay."""
    times = []
    for _ in range(REPEATS):
        clear_answer_caches(keep_models=True)
        times.append(_timed_ask(assistant, question))
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="`qa eval --out` folder of the CMRC trial set")
    parser.add_argument("--questions", type=int, default=300)
    args = parser.parse_args()
    data = json.loads(CMRC.read_text(encoding="utf-8"))
    questions = [q["query_text"] for article in data for q in article["qas"]]
    assistant = Assistant(Settings(corpus_dir=args.folder / "corpus", index_dir=args.folder / "index"),
                          show_progress=False)
    timed = TimedEmbedder(assistant.index.embedder)
    assistant.index.embedder = timed
    n = args.questions
    out: dict[str, object] = {"passages": len(assistant.index.passages), "questions": n - 10}
    out["idle"] = measure(assistant, timed, questions[:n])
    with cpu_hogs(1):
        out["one CPU hog"] = measure(assistant, timed, questions[n:2 * n])
    out["hog_to_idle_p95"] = round(out["one CPU hog"]["ask"]["p95_ms"] / out["idle"]["ask"]["p95_ms"], 2)  # type: ignore[index]
    write_result("reader_latency", out)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
