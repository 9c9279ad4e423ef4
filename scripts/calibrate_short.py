"""Learn when a short answer is shown in bold: P(the phrase is mostly right), calibrated on questions nobody
trained the reader on, and the threshold from its curve. Writes qa/answer/models/show.json.

    .venv/bin/qa eval ../shared/eval/cmrc2018_trial.json --out CMRC_DIR   # builds CMRC_DIR/corpus and /index
    .venv/bin/qa eval DRCD_LAST40.json --out DRCD_DIR                      # the last 40 DRCD dev articles
    .venv/bin/python scripts/calibrate_short.py --cmrc CMRC_DIR --drcd DRCD_DIR

Runs the real pipeline (retrieval, selector) on the questions `reader_data.py` held out — every fifth CMRC 2018
trial article asked of the whole trial corpus, the last 40 DRCD dev articles asked of their own Traditional corpus
(CC BY-SA 4.0 / 3.0) — and for the chosen sentence takes the trees' best phrase (`short.py`) and the reader's span
(`reader.py`). A logistic regression on what both say (the trees' probability and margin, the reader's span
probability, whether the two agree, the verifier's P, the phrase's length, the question kind, Traditional text) predicts whether
the trees' phrase is mostly right (char-F1 ≥ 0.5). Grouped 5-fold CV by article gives the curve: per threshold,
the share shown, the share of shown ones mostly right, and the mean short-answer F1 over all questions (0 when
none is shown). The chosen threshold is the lowest whose shown answers are ≥ 85 % mostly right.
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
        window, reading = read_candidate(searched, best, assistant.context)
        span = span_in_sentence(reading, window)
        rows.append({"set": name, "group": group, "x": show_row(q, scored, reading, window),
                     "tree_f1": max(char_f1(scored.text, g) for g in golds),
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
    f1 = np.asarray([r["tree_f1"] for r in rows])
    y = (f1 >= 0.5).astype(int)
    groups = [r["group"] for r in rows]
    p = np.zeros(len(rows))
    for train, test in GroupKFold(n_splits=5).split(X, y, groups):
        p[test] = fit(X[train], y[train]).probabilities(X[test])
    report: dict[str, object] = {"questions": {s: sum(r["set"] == s for r in rows) for s in ("cmrc", "drcd")}}
    for s in ("cmrc", "drcd"):
        mask = np.asarray([r["set"] == s for r in rows])
        report[s] = {"tree_f1": round(float(f1[mask].mean()), 4),
                     "span_f1": round(float(np.mean([r["span_f1"] for r in rows if r["set"] == s])), 4),
                     "curve": curve(p[mask], f1[mask])}
    both = curve(p, f1)
    report["both"] = both
    threshold = next((c["threshold"] for c in both if c["shown_right"] is not None
                      and c["shown_right"] >= TARGET_RIGHT), 1.0)
    model = fit(X, y)
    model = LinearModel(model.features, model.mean, model.scale, model.coef, model.intercept, {"show": threshold})
    (MODELS_DIR / "show.json").write_text(json.dumps(model.to_json(
        {"command": "python scripts/calibrate_short.py", "calibration": report}), ensure_ascii=False, indent=1)
        + "\n", encoding="utf-8")
    print(json.dumps({"threshold": threshold, **report}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
