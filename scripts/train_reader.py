"""Fine-tune the transformer reader (span + verifier heads on e5-small's top layers) and write
qa/answer/models/reader.safetensors.

    .venv/bin/python scripts/reader_data.py            # windows, spans and swapped questions (~1 min)
    .venv/bin/python scripts/train_reader.py [--epochs 2] [--frozen 8] [--init CHECKPOINT] [--other-share 1.0]

The frozen lower layers run once over every example (their output cached in memory as fp16), so an epoch costs
only the top layers' forward and backward passes. Progress, validation numbers and a checkpoint per epoch go to
--work; the numbers also to qa/answer/models/reader.json. Validation: the rows `reader_data.py` held out (last 40
DRCD dev articles, every fifth CMRC trial article).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from qa.answer.reader import MAX_TOKENS, ReaderModel, best_span, encode, quantized_for_reading
from qa.answer.transformer.e5file import E5File
from qa.answer.transformer.partial import freeze_below
from qa.answer.transformer.tokenizer import load_e5_tokenizer
from qa.evaluate.metrics import char_f1

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "qa" / "answer" / "models"
BATCH = 32


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def token_span(offsets: list[tuple[int, int]], sequence_ids: list[int | None], start: int, end: int) -> tuple[int, int]:
    """Tokens covering the answer's characters [start, end) of the window; (0, 0) when truncated away."""
    first = last = None
    for n, ((a, b), s) in enumerate(zip(offsets, sequence_ids)):
        if s != 1 or b <= a:
            continue
        if first is None and b > start:
            first = n
        if a < end:
            last = n
    return (first, last) if first is not None and last is not None and first <= last else (0, 0)


class Cached:
    """Examples sorted into batches by length, with the frozen layers' output computed once (by `lower`: the
    model's own lower layers, or those of the model as it runs at answer time)."""

    def __init__(self, lower: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
                 tokenizer, rows: list[dict], label: str) -> None:  # type: ignore[no-untyped-def]
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]["question"]) + len(rows[i]["window"]))
        self.batches = []
        started = time.time()
        for b in range(0, len(order), BATCH):
            chunk = [rows[i] for i in order[b:b + BATCH]]
            enc = encode(tokenizer, [r["question"] for r in chunk], [r["window"] for r in chunk])
            ids = torch.tensor([e.ids for e in enc])
            mask = torch.tensor([e.attention_mask for e in enc])
            spans = [token_span(e.offsets, e.sequence_ids, r["start"], r["end"]) if r["label"] else (0, 0)
                     for e, r in zip(enc, chunk)]
            window = torch.tensor([[s == 1 for s in e.sequence_ids] for e in enc]) & (mask == 1)
            with torch.no_grad():
                hidden = lower(ids, mask).half()
            self.batches.append({"hidden": hidden, "mask": mask, "window": window,
                                 "label": torch.tensor([float(r["label"]) for r in chunk]),
                                 "start": torch.tensor([s for s, _ in spans]), "end": torch.tensor([e for _, e in spans]),
                                 "rows": chunk, "enc": enc})
            if (b // BATCH) % 50 == 0:
                print(f"  cache {label}: {b}/{len(order)} ({time.time() - started:.0f} s)", file=sys.stderr, flush=True)


def loss_of(model: ReaderModel, batch: dict, pos_weight: float, span_weight: float) -> torch.Tensor:
    start, end, verify = model.upper(batch["hidden"].float(), batch["mask"])
    blocked = ~batch["window"]
    blocked[:, 0] = False  # position 0 stands for "no span" (SQuAD 2.0)
    start = start.masked_fill(blocked, -1e4)
    end = end.masked_fill(blocked, -1e4)
    ce = nn.functional.cross_entropy
    span = (ce(start, batch["start"]) + ce(end, batch["end"])) / 2
    weight = torch.where(batch["label"] > 0, torch.tensor(pos_weight), torch.tensor(1.0))
    verifier = nn.functional.binary_cross_entropy_with_logits(verify, batch["label"], weight=weight)
    return span_weight * span + verifier


@torch.inference_mode()
def validate(model: ReaderModel, cached: Cached) -> dict[str, float]:
    """Span char-F1/EM on answerable windows; verifier AUC and accuracy by how the row was made."""
    model.eval()
    f1, em, scores, labels, made, f1_corpus = [], [], [], [], [], []
    for batch in cached.batches:
        start, end, verify = model.upper(batch["hidden"].float(), batch["mask"])
        p = torch.sigmoid(verify).numpy()
        for n, (row, e) in enumerate(zip(batch["rows"], batch["enc"])):
            scores.append(float(p[n]))
            labels.append(row["label"])
            made.append(f"{row['corpus']}:{row['made']}")
            if row["label"] and row["made"] == "gold":
                i, j, _ = best_span(start[n].numpy(), end[n].numpy(), batch["window"][n].numpy())
                text = row["window"][e.offsets[i][0]:e.offsets[j][1]]
                gold = row["window"][row["start"]:row["end"]]
                f1.append(char_f1(text, gold))
                f1_corpus.append(row["corpus"])
                em.append(float(text.strip() == gold.strip()))
    model.train()
    scores_a, labels_a = np.array(scores), np.array(labels)
    pos, neg = scores_a[labels_a == 1], scores_a[labels_a == 0]
    auc = float((pos[:, None] > neg[None, :]).mean()) if len(pos) and len(neg) else float("nan")
    out = {"span_f1_gold": round(float(np.mean(f1)), 4), "span_em_gold": round(float(np.mean(em)), 4),
           "verifier_auc": round(auc, 4)}
    for corpus in sorted(set(f1_corpus)):
        out[f"span_f1_gold {corpus}"] = round(float(np.mean([v for v, c in zip(f1, f1_corpus) if c == corpus])), 4)
    for kind in sorted(set(made)):
        rows = [i for i, m in enumerate(made) if m == kind]
        out[f"accepted {kind}"] = round(float(np.mean([scores[i] >= 0.5 for i in rows])), 4)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / ".cache" / "reader")
    parser.add_argument("--work", type=Path, default=ROOT / ".cache" / "reader" / "run")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--frozen", type=int, default=8)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--limit", type=int, default=0, help="train on this many rows only (timing runs)")
    parser.add_argument("--init", type=Path, help="start from this checkpoint's trained layers and heads (layers "
                        "it kept frozen start from the pretrained weights)")
    parser.add_argument("--other-share", type=float, default=1.0,
                        help="keep this share of the 'other sentence' rows (the cheapest negatives to drop)")
    parser.add_argument("--span-weight", type=float, default=1.0, help="weight of the span loss beside the verifier's")
    parser.add_argument("--quantized-lower", action="store_true",
                        help="cache the frozen layers' output as the reader computes it at answer time (int8, "
                             "`quantized_for_reading`), so the trained layers learn from what they will be given")
    args = parser.parse_args()
    torch.manual_seed(19)
    random.seed(19)
    args.work.mkdir(parents=True, exist_ok=True)
    model = ReaderModel(args.frozen)
    if args.init is not None:
        state = load_file(str(args.init))
        state.pop("frozen_layers")
        model.load_state_dict({k: v.float() for k, v in state.items()}, strict=False)
    tokenizer = load_e5_tokenizer(source=E5File())
    tokenizer.enable_truncation(MAX_TOKENS, strategy="only_second")
    train_rows, valid_rows = read_rows(args.data / "train.jsonl"), read_rows(args.data / "valid.jsonl")
    train_rows = [r for r in train_rows if r["made"] != "other" or random.random() < args.other_share]
    if args.limit:
        train_rows = random.sample(train_rows, args.limit)
    print(f"rows: train {len(train_rows)} {dict(Counter(r['made'] for r in train_rows))}, valid {len(valid_rows)}",
          file=sys.stderr, flush=True)
    lower = quantized_for_reading(model).lower if args.quantized_lower else model.lower  # a quantized copy
    train, valid = Cached(lower, tokenizer, train_rows, "train"), Cached(lower, tokenizer, valid_rows, "valid")
    positives = sum(r["label"] for r in train_rows)
    pos_weight = (len(train_rows) - positives) / max(1, positives)
    trained = freeze_below(model.encoder, args.frozen) + [*model.span.parameters(), *model.verify.parameters()]
    optimizer = torch.optim.AdamW(trained, lr=args.lr, weight_decay=0.01)
    steps = args.epochs * len(train.batches)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, s / max(1, steps // 20)) * max(0.0, (steps - s) / steps))
    model.train()
    history = []
    step, started = 0, time.time()
    for epoch in range(args.epochs):
        order = list(range(len(train.batches)))
        random.shuffle(order)
        total = 0.0
        for n, b in enumerate(order):
            loss = loss_of(model, train.batches[b], pos_weight, args.span_weight)
            loss.backward()
            nn.utils.clip_grad_norm_(trained, 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            total += float(loss.detach())
            step += 1
            if n % 50 == 0:
                print(f"epoch {epoch} step {n}/{len(order)} loss {total / (n + 1):.4f} "
                      f"({time.time() - started:.0f} s)", file=sys.stderr, flush=True)
        numbers = {"epoch": epoch, "seconds": round(time.time() - started), **validate(model, valid)}
        history.append(numbers)
        print(json.dumps(numbers), file=sys.stderr, flush=True)
        save(model, args.work / f"reader-epoch{epoch}.safetensors")
    save(model, MODELS / "reader.safetensors")
    (MODELS / "reader.json").write_text(json.dumps(
        {"command": "python scripts/reader_data.py && python scripts/train_reader.py "
                    f"--epochs {args.epochs} --frozen {args.frozen} --lr {args.lr} --other-share {args.other_share} "
                    f"--span-weight {args.span_weight}" + (f" --init {args.init.name}" if args.init else "")
                    + (" --quantized-lower" if args.quantized_lower else ""),
         "data": ["CMRC 2018 trial (CC BY-SA 4.0)", "DRCD dev (CC BY-SA 3.0)"],
         "rows": {"train": len(train_rows), "valid": len(valid_rows)}, "validation": history},
        indent=1) + "\n")
    return 0


def save(model: ReaderModel, path: Path) -> None:
    state = {k: v.detach().half().contiguous() for k, v in model.trained_state().items()}
    state["frozen_layers"] = torch.tensor(model.frozen_layers)
    save_file(state, str(path))


if __name__ == "__main__":
    sys.exit(main())
