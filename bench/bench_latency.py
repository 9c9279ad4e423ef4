"""Answer latency on the bundled report: warm in-process (encoder vs the rest), CLI per call, cold start to ready.

    .venv/bin/python bench/bench_latency.py          # ~1 minute, writes bench/results/latency.json

The index is built once into bench/.index (not the project's index/, so nothing else is disturbed); every
measurement below opens that cached index. Questions: the dev questions (../shared/eval/dev_qa.jsonl).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, peak_rss_mb, summary, write_result  # noqa: E402

from qa.config import Settings  # noqa: E402
from qa.index.build import build_index  # noqa: E402
from qa.index.loader import problem_with  # noqa: E402
from qa.pipeline import Assistant  # noqa: E402

INDEX = ROOT / "bench" / ".index"
DEV_QA = ROOT.parent / "shared" / "eval" / "dev_qa.jsonl"
PYTHON = sys.executable

READY = """
import time, sys
t0 = time.perf_counter()
from pathlib import Path
from qa.config import Settings
from qa.pipeline import Assistant
imported = time.perf_counter()
a = Assistant(Settings.from_env(index_dir=Path(sys.argv[1])), show_progress=False)
ready = time.perf_counter()
a.ask("哪个区的人工智能企业最多？")
first = time.perf_counter()
print(imported - t0, ready - t0, first - ready)
"""


class TimedEmbedder:
    """Wraps the index's embedder and records how long each query encode takes (the rest is non-encoder)."""

    def __init__(self, inner) -> None:
        self.inner, self.id, self.dim, self.last_ms = inner, inner.id, inner.dim, 0.0

    def embed_queries(self, texts):
        t = time.perf_counter()
        out = self.inner.embed_queries(texts)
        self.last_ms = (time.perf_counter() - t) * 1000
        return out

    def embed_passages(self, texts):
        return self.inner.embed_passages(texts)


def questions() -> list[str]:
    if DEV_QA.is_file():
        return [json.loads(line)["q"] for line in DEV_QA.read_text(encoding="utf-8").splitlines() if line.strip()]
    return ["哪个区的人工智能企业最多？", "B轮企业占比是多少？", "寒武纪是哪一年成立的？"]


def warm(settings: Settings, qs: list[str], rounds: int) -> dict[str, object]:
    assistant = Assistant(settings, show_progress=False)
    timed = TimedEmbedder(assistant.index.embedder)
    assistant.index.embedder = timed
    for q in qs[:5]:
        assistant.ask(q)
    total, encode = [], []
    for _ in range(rounds):
        for q in qs:
            t = time.perf_counter()
            assistant.ask(q)
            total.append((time.perf_counter() - t) * 1000)
            encode.append(timed.last_ms)
    return {"passages": len(assistant.index.passages), "dense_kind": assistant.index.dense.kind,
            "ask": summary(total), "encoder": summary(encode),
            "non_encoder": summary([t - e for t, e in zip(total, encode)])}


def cli(settings: Settings, qs: list[str], calls: int) -> dict[str, object]:
    wall, reported = [], []
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    for q in (qs * calls)[:calls]:
        t = time.perf_counter()
        out = subprocess.run([PYTHON, "-m", "qa", "ask", q, "--json", "--index", str(settings.index_dir)],
                             cwd=ROOT, capture_output=True, text=True, env=env, check=True).stdout
        wall.append((time.perf_counter() - t) * 1000)
        reported.append(float(json.loads(out)["latency_ms"]))
    return {"wall_per_call": summary(wall), "answer_latency_reported": summary(reported)}


def cold(settings: Settings, runs: int) -> dict[str, object]:
    imports, ready, first = [], [], []
    for _ in range(runs):
        out = subprocess.run([PYTHON, "-c", READY, str(settings.index_dir)], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
        imports.append(float(out[0]) * 1000)
        ready.append(float(out[1]) * 1000)
        first.append(float(out[2]) * 1000)
    return {"imports": summary(imports), "ready": summary(ready), "first_answer_after_ready": summary(first)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the dev questions (warm)")
    parser.add_argument("--cli-calls", type=int, default=10)
    parser.add_argument("--cold-runs", type=int, default=5)
    args = parser.parse_args()
    settings = Settings.from_env(index_dir=INDEX)
    if problem_with(settings, None) is not None:
        build_index(settings, show_progress=False)
    qs = questions()
    result = {"command": "bench/bench_latency.py", "questions": len(qs)}
    result["warm_in_process"] = warm(settings, qs, args.rounds)
    print("warm:", json.dumps(result["warm_in_process"], ensure_ascii=False), file=sys.stderr, flush=True)
    result["cold_start"] = cold(settings, args.cold_runs)
    print("cold:", json.dumps(result["cold_start"]), file=sys.stderr, flush=True)
    result["cli"] = cli(settings, qs, args.cli_calls)
    print("cli:", json.dumps(result["cli"]), file=sys.stderr, flush=True)
    result["peak_rss_mb"] = peak_rss_mb()
    write_result("latency", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
