"""Worst-case cost of one question, in process: adversarial shapes next to ordinary dev questions, one run.

    .venv/bin/python bench/worst_case.py            # ~30 s, writes bench/results/worst_case.json

Shapes: random CJK characters (rare characters: jieba's HMM and the encoder's tokenizer both suffer), the
same with Latin letters between them (each letter cuts the text into another piece for jieba), characters of
the report itself (many real terms) and in Traditional script, one word repeated, digits and Latin, and
punctuation-separated words — each at 500 characters (the longest allowed question) and at 96 (what the answer
layer reads whole), with several seeds. The target (issue 11) is that no question costs more than ~100 ms.

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
from common import ROOT, summary, write_result  # noqa: E402
from load_test import INDEX, valid_questions  # noqa: E402
from serving import ensure_index  # noqa: E402

import opencc  # noqa: E402

from qa.serving.heap import freeze_long_lived  # noqa: E402


#: Question lengths tried: the longest allowed is filled in at run time; 96 is what the answer layer reads whole.
LENGTHS = (96,)


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
    results: dict[str, list[float]] = {"dev questions": []}
    for seed in range(5):
        for length in (*LENGTHS, limit):
            for name, question in shapes(length, seed).items():
                started = time.perf_counter()
                assistant.ask(question)
                results.setdefault(f"{name} ({length})", []).append((time.perf_counter() - started) * 1000)
        for q in valid_questions():
            started = time.perf_counter()
            assistant.ask(q)
            results["dev questions"].append((time.perf_counter() - started) * 1000)
    out = {"command": "bench/worst_case.py", "question_chars": limit,
           "shapes": {name: summary(ms) for name, ms in results.items()},
           "full_gc_pause_ms": {"heap_not_frozen": round(unfrozen_gc_ms, 1),
                                "heap_frozen_after_the_questions": round(full_collection_ms(), 1)}}
    worst = max(v["max_ms"] for name, v in out["shapes"].items() if name != "dev questions")  # type: ignore[index]
    out["worst_ms"] = round(worst, 1)
    write_result("worst_case", out)
    for name, s in out["shapes"].items():  # type: ignore[union-attr]
        print(f"{name:32s} p50 {s['p50_ms']:7.1f}  max {s['max_ms']:7.1f} ms")
    print(f"full collection: {out['full_gc_pause_ms']}")
    print(f"worst question {worst:.1f} ms (target ≤ ~100 ms)")
    return 0 if worst <= 100 else 1


if __name__ == "__main__":
    sys.exit(main())
