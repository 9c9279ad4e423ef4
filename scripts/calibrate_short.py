"""Learn which short answer is shown in bold, if any: P(mostly right) of the trees' phrase and of the reader's span,
calibrated on questions nobody trained either on, and the threshold from the curve. Writes
qa/answer/models/show.json (the trees' phrase, with the threshold) and show_span.json (the reader's span).

    .venv/bin/qa eval ../shared/eval/cmrc2018_trial.json --out CMRC_DIR   # builds CMRC_DIR/corpus and /index
    .venv/bin/qa eval DRCD_LAST40.json --out DRCD_DIR                      # the last 40 DRCD dev articles
    .venv/bin/python scripts/calibrate_short.py --cmrc CMRC_DIR --drcd DRCD_DIR

Runs the real pipeline (retrieval, selector) on the questions `reader_data.py` held out — every fifth CMRC 2018
trial article asked of the whole trial corpus, the last 40 DRCD dev articles asked of their own Traditional corpus
(CC BY-SA 4.0 / 3.0) — and for the chosen sentence takes the trees' best phrase (`short.py`) and the reader's span
(`reader.py`). Two logistic regressions on what both say (the trees' probability and margin, the reader's span
probability, whether the two agree, the verifier's P, the phrase's length, the question kind, Traditional text)
predict whether the trees' phrase, and whether the reader's span, is mostly right (char-F1 ≥ 0.5); the likelier
one is the offer. Grouped 5-fold CV by article gives the curve: per threshold, the share shown, the share of shown
ones mostly right, and the mean short-answer F1 over all questions (0 when none is shown) — for the offer and, as
ablations, for the trees' phrase alone and the reader's span alone. The chosen threshold is the lowest whose shown
answers are ≥ 85 % mostly right, one per script: Simplified text from the CMRC curve, Traditional from DRCD's (the
targets hold per corpus, and one pooled threshold let one corpus's precision carry the other's).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from qa.answer.candidates import collect
from qa.answer.features import FEATURES, analyse, feature_matrix
from qa.answer.focus import focused
from qa.answer.model import MODELS_DIR, LinearModel, bundled_model
from qa.answer.reader import read_candidate, span_in_sentence
from qa.answer.shown import SHOW_FEATURES, show_row
from qa.answer.short import scored_phrase
from qa.config import Settings
from qa.evaluate.metrics import char_f1
from qa.evaluate.reading import parse_reading_set
from qa.pipeline import Assistant
from qa.retrieve.hybrid import retrieve

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval"
TARGET_RIGHT = 0.85
#: The show threshold's key in show.json per script, and the held-out corpus whose curve chooses it.
SCRIPTS = {"show": "cmrc", "show_traditional": "drcd"}
THRESHOLDS = [round(t, 2) for t in np.arange(0.0, 0.96, 0.05)]


def measured(name: str, assistant: Assistant, questions: list[tuple[str, str, tuple[str, ...]]]) -> list[dict]:
    """One row per phrased question whose chosen sentence offers a phrase: features, F1s and the fold group."""
    rows = []
    settings = assistant.settings
    for group, text, golds in questions:
        understood = assistant.understand(text)
        searched = understood.searched
        found = retrieve(assistant.index, searched, settings.answer.candidates, settings.retrieval)
        q = analyse(understood, found.query_vector, assistant.context)
        candidates = focused(q, collect(found.hits, assistant.context), assistant.context.segmenter)
        if not candidates:
            continue
        scores = bundled_model("selector", FEATURES).probabilities(feature_matrix(q, candidates, assistant.context))
        best = candidates[int(np.argmax(scores))]
        scored = scored_phrase(q, best, assistant.context)
        if scored is None:
            continue
        window, reading = read_candidate(understood.read_as, best, assistant.context)
        span = span_in_sentence(reading, window)
        rows.append({"set": name, "group": group, "x": show_row(q, scored, reading, window),
                     "tree_f1": max(char_f1(scored.text, g) for g in golds), "has_span": span is not None,
                     "span_f1": max(char_f1(span, g) for g in golds) if span else 0.0})
    return rows


def curve(p: np.ndarray, f1: np.ndarray) -> list[dict[str, float | None]]:
    points = []
    for t in THRESHOLDS:
        shown = p >= t
        points.append({"threshold": t, "shown": round(float(shown.mean()), 4),
                       "shown_right": round(float((f1[shown] >= 0.5).mean()), 4) if shown.any() else None,
                       "f1_all": round(float(np.where(shown, f1, 0.0).mean()), 4)})
    return points


def lowest_right(points: list[dict[str, float | None]]) -> float:
    """The lowest threshold whose shown answers are at least TARGET_RIGHT mostly right (1.0: show none)."""
    return next((c["threshold"] for c in points if c["shown_right"] is not None  # type: ignore[misc]
                 and c["shown_right"] >= TARGET_RIGHT), 1.0)


def fit(X: np.ndarray, y: np.ndarray) -> LinearModel:
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(max_iter=2000).fit((X - mean) / scale, y)
    return LinearModel(SHOW_FEATURES, mean, scale, lr.coef_[0], float(lr.intercept_[0]), {})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cmrc", type=Path, required=True, help="`qa eval --out` folder of the CMRC trial set")
    parser.add_argument("--drcd", type=Path, required=True, help="`qa eval --out` folder of the last 40 DRCD articles")
    args = parser.parse_args()
    cmrc = parse_reading_set((SHARED / "cmrc2018_trial.json").read_text(encoding="utf-8"))
    valid = {c.id for i, c in enumerate(cmrc.contexts) if i % 5 == 0}
    drcd_data = json.loads((SHARED / "drcd_dev.json").read_text(encoding="utf-8"))
    drcd = parse_reading_set(json.dumps({"data": drcd_data["data"][-40:]}, ensure_ascii=False))
    rows = measured("cmrc", Assistant(Settings(corpus_dir=args.cmrc / "corpus", index_dir=args.cmrc / "index"),
                                      show_progress=False),
                    [(cmrc.context_of[q.id], q.q, q.answer_any) for q in cmrc.questions
                     if cmrc.context_of[q.id] in valid])
    rows += measured("drcd", Assistant(Settings(corpus_dir=args.drcd / "corpus", index_dir=args.drcd / "index"),
                                       show_progress=False),
                     [(drcd.context_of[q.id], q.q, q.answer_any) for q in drcd.questions])
    X = np.asarray([r["x"] for r in rows], dtype=np.float64)
    tree_f1 = np.asarray([r["tree_f1"] for r in rows])
    span_f1 = np.asarray([r["span_f1"] for r in rows])
    has_span = np.asarray([r["has_span"] for r in rows])
    groups = [r["group"] for r in rows]
    p_tree, p_span = np.zeros(len(rows)), np.zeros(len(rows))
    for train, test in GroupKFold(n_splits=5).split(X, tree_f1, groups):
        p_tree[test] = fit(X[train], tree_f1[train] >= 0.5).probabilities(X[test])
        p_span[test] = fit(X[train], span_f1[train] >= 0.5).probabilities(X[test])
    p_span = np.where(has_span, p_span, 0.0)
    offer_is_span = p_span > p_tree
    p_offer, f1_offer = np.maximum(p_tree, p_span), np.where(offer_is_span, span_f1, tree_f1)
    report: dict[str, object] = {"questions": {s: sum(r["set"] == s for r in rows) for s in ("cmrc", "drcd")}}
    for s in ("cmrc", "drcd"):
        mask = np.asarray([r["set"] == s for r in rows])
        report[s] = {"tree_f1": round(float(tree_f1[mask].mean()), 4), "span_f1": round(float(span_f1[mask].mean()), 4),
                     "offer_f1": round(float(f1_offer[mask].mean()), 4),
                     "offer_is_span": round(float(offer_is_span[mask].mean()), 4),
                     "curve": curve(p_offer[mask], f1_offer[mask])}
    both = curve(p_offer, f1_offer)
    report["both"] = both
    report["trees_alone"] = curve(p_tree, tree_f1)
    report["span_alone"] = curve(p_span, span_f1)
    # one threshold per script, each from its own corpus's curve: the targets hold per corpus
    thresholds = {key: lowest_right(report[s]["curve"]) for key, s in SCRIPTS.items()}  # type: ignore[index]
    meta = {"command": "python scripts/calibrate_short.py", "calibration": report}
    for name, f1, held in (("show", tree_f1, thresholds), ("show_span", span_f1, {})):
        model = fit(X, f1 >= 0.5)
        model = LinearModel(model.features, model.mean, model.scale, model.coef, model.intercept, held)
        (MODELS_DIR / f"{name}.json").write_text(json.dumps(model.to_json(meta if name == "show" else
                                                                         {"command": meta["command"]}),
                                                            ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({"thresholds": thresholds, **report}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
