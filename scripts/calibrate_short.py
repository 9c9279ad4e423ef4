"""Learn which short answer is shown in bold, if any: P(mostly right) of the trees' phrase and of the reader's span,
calibrated on questions nobody trained either on, and the threshold from the curve. Writes
for each script of the quoted text one pair of models: qa/answer/models/show.json (the trees' phrase, with its
threshold) and show_span.json (the reader's span) for Simplified text, show_traditional.json and
show_span_traditional.json for Traditional.

    .venv/bin/qa eval ../shared/eval/cmrc2018_trial.json --out CMRC_DIR   # builds CMRC_DIR/corpus and /index
    .venv/bin/qa eval DRCD_LAST40.json --out DRCD_DIR                      # the last 40 DRCD dev articles
    .venv/bin/python scripts/train_answerer.py --short --calibration-trees TREES   # trees without those articles
    .venv/bin/python scripts/calibrate_short.py --cmrc CMRC_DIR --drcd DRCD_DIR --trees TREES

Runs the real pipeline (retrieval, selector) on questions none of the readers was trained on: every fifth CMRC 2018
trial article (the ones `reader_data.py` held out) asked of the whole trial corpus, its phrases scored by trees
fitted without those articles (`--trees`), as the shipped trees will score a new article's — the shipped ones,
fitted on them, would be right more often here than anywhere else; the bundled report's training questions with a
reference answer (`eval/report_train.jsonl`; the trees never train on report questions); the last 40 DRCD dev
articles asked of their own Traditional corpus (CC BY-SA 4.0 / 3.0). For the chosen sentence it takes the trees'
best phrase (`short.py`) and the reader's span (`reader.py`; in the sentence, or in the one beside it that the
answer then quotes, `beside.py`, as `compose.py` does). Per script of the chosen sentence, two logistic
regressions on what both say (the trees' share and margin, their raw score and its lead, the reader's span
probability, whether the two agree, the verifier's P, the phrase's length, the question kind) predict whether the
trees' phrase, and whether the reader's span, is mostly right (char-F1 ≥ 0.5); each P is multiplied by the
answerability model's P that the sentence answers at all (as `shown.py` does), and the likelier one is the offer.
One pair per script, because the two readers are not equally good at both (measured: one pair for both scripts
showed fewer right answers on each corpus). Grouped 5-fold CV by article (by passage for the report) gives, per
set, per script pooled over its sets (Simplified: CMRC and the report; Traditional: DRCD) and per offer (both
phrases, the trees' alone, the reader's span alone), the curve: per threshold, the share shown, the share of shown
ones mostly right, and the mean short-answer F1 over all questions (0 when none is shown). Per script, on its
pooled curves, the threshold is the lowest whose shown answers are ≥ 85 % mostly right, and the offer is the one
giving the highest F1 over all questions there; an offer not made gets threshold NEVER (never reached). Where the
trees offer no phrase (why/how questions) and the answer is one sentence, the reader's span is the only offer
(`shown.span_alone_probability`, nothing fitted): its threshold, per script by the same rule on that curve, is
stored as `span_alone` in the trees' model file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from qa.answer.answerable import judge
from qa.answer.beside import read_beside
from qa.answer.candidates import collect
from qa.answer.continuation import continued, grounds
from qa.answer.features import FEATURES, analyse, feature_matrix
from qa.answer.focus import focused
from qa.answer.model import MODELS_DIR, LinearModel, Model, bundled_model, read_model
from qa.answer.reader import read_candidate, span_in_sentence
from qa.answer.shown import NEVER, SHOW_FEATURES, SHOW_MODELS, SPAN_ALONE, show_row, span_alone_probability
from qa.answer.short import SHORT_FEATURES, scored_phrase
from qa.config import Settings
from qa.evaluate.metrics import char_f1
from qa.evaluate.questions import read_questions, sentence_facts
from qa.evaluate.reading import parse_reading_set
from qa.pipeline import Assistant
from qa.retrieve.hybrid import retrieve
from qa.segment.script import written_traditional

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval"
TARGET_RIGHT = 0.85
#: Per script of the quoted text (True: Traditional), the questions whose pooled curve chooses its threshold.
SCRIPTS = {False: "simplified", True: "traditional"}
#: The sets of each script: Simplified text is CMRC's and the bundled report's (its training questions with a
#: reference answer), Traditional text DRCD's.
SETS = {"cmrc": False, "report": False, "drcd": True}
REPORT_TRAIN = ROOT / "eval" / "report_train.jsonl"
THRESHOLDS = [round(t, 2) for t in np.arange(0.0, 0.96, 0.05)]
#: The CMRC trial articles measured on: every fifth, the ones the reader was not trained on
#: (`reader_data.CMRC_VALID_EVERY`); the trees that score their phrases must not have seen them either (`--trees`).
CALIBRATION_EVERY = 5
CALIBRATION_NOTE = "every fifth CMRC trial article (the ones calibrate_short.py measures on)"


def calibration_articles() -> set[str]:
    """The ids of the CMRC trial articles whose questions calibrate the show models."""
    cmrc = parse_reading_set((SHARED / "cmrc2018_trial.json").read_text(encoding="utf-8"))
    return {c.id for i, c in enumerate(cmrc.contexts) if i % CALIBRATION_EVERY == 0}


def report_questions(assistant: Assistant) -> list[tuple[str, str, tuple[str, ...]]]:
    """The bundled report's training questions with a reference answer (the short answer a person would bold),
    grouped by the passage holding their fact; facts of a table are left out (table operations answer them)."""
    questions, _ = read_questions(REPORT_TRAIN)
    return [(f"report:{home.id}", q.q, q.reference)
            for q, home in sentence_facts(questions, assistant.index.passages) if q.reference]


def measured(name: str, assistant: Assistant, questions: list[tuple[str, str, tuple[str, ...]]],
             trees: Model | None = None) -> tuple[list[dict], list[dict]]:
    """One row per question whose chosen sentence offers a phrase of the trees (`trees`, else the shipped ones;
    features, F1s and the fold group), and one per question where the trees offer none and the answer is that one
    sentence, as `compose.py` decides (the reader's span alone: its P and F1)."""
    alone = []
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
        chosen = int(np.argmax(scores))
        best = candidates[chosen]
        scored = scored_phrase(q, best, assistant.context, trees)
        window, reading = read_candidate(understood.read_as, best, assistant.context)
        quoted = read_beside(best, reading, window, assistant.context).quoted  # as compose.py offers the span
        span = span_in_sentence(reading, quoted)
        answerable = judge(q, chosen, candidates, scores, assistant.context, reading.answers)
        if scored is None:
            runs_on = answerable.answerable and bool(continued(q, best, assistant.context)
                                                     or grounds(q, best, assistant.context))
            if not runs_on:  # an answer that runs on gets no bold phrase (compose.py)
                p_alone = span_alone_probability(reading, answerable.probability) if span else 0.0
                alone.append({"set": name, "p": p_alone,
                              "span_f1": max(char_f1(span, g) for g in golds) if span else 0.0})
            continue
        rows.append({"set": name, "group": group, "x": show_row(q, scored, reading, window),
                     "x_span": show_row(q, scored, reading, quoted),
                     "answerable": answerable.probability,
                     "traditional": written_traditional(window.text),
                     "tree_f1": max(char_f1(scored.text, g) for g in golds), "has_span": span is not None,
                     "span_f1": max(char_f1(span, g) for g in golds) if span else 0.0})
    return rows, alone


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
                 and c["shown_right"] >= TARGET_RIGHT), NEVER)


def offered_and_threshold(corpus: dict) -> tuple[str, float]:
    """What to offer ("both" readers' phrases, the "trees"' alone or the reader's "span" alone) and the threshold:
    the offer whose curve gives the highest short-answer F1 over all questions at its own lowest threshold with
    ≥ TARGET_RIGHT of shown answers mostly right."""
    def f1_at(points: list[dict]) -> float:
        t = lowest_right(points)
        return next((c["f1_all"] for c in points if c["threshold"] == t), 0.0)
    offered = max(("both", "trees", "span"), key=lambda o: f1_at(corpus[f"curve {o}"]))
    return offered, lowest_right(corpus[f"curve {offered}"])


def fit(X: np.ndarray, y: np.ndarray) -> LinearModel:
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(max_iter=2000).fit((X - mean) / scale, y)
    return LinearModel(SHOW_FEATURES, mean, scale, lr.coef_[0], float(lr.intercept_[0]), {})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cmrc", type=Path, required=True, help="`qa eval --out` folder of the CMRC trial set")
    parser.add_argument("--drcd", type=Path, required=True, help="`qa eval --out` folder of the last 40 DRCD articles")
    parser.add_argument("--trees", type=Path, required=True,
                        help="short-answer trees fitted without these articles: "
                             "train_answerer.py --short --calibration-trees PATH")
    args = parser.parse_args()
    cmrc = parse_reading_set((SHARED / "cmrc2018_trial.json").read_text(encoding="utf-8"))
    valid = calibration_articles()
    drcd_data = json.loads((SHARED / "drcd_dev.json").read_text(encoding="utf-8"))
    drcd = parse_reading_set(json.dumps({"data": drcd_data["data"][-40:]}, ensure_ascii=False))
    rows, alone = measured("cmrc", Assistant(Settings(corpus_dir=args.cmrc / "corpus",
                                                      index_dir=args.cmrc / "index"), show_progress=False),
                           [(cmrc.context_of[q.id], q.q, q.answer_any) for q in cmrc.questions
                            if cmrc.context_of[q.id] in valid], read_model(args.trees, SHORT_FEATURES))
    drcd_rows, drcd_alone = measured("drcd", Assistant(Settings(corpus_dir=args.drcd / "corpus",
                                                                index_dir=args.drcd / "index"), show_progress=False),
                                     [(drcd.context_of[q.id], q.q, q.answer_any) for q in drcd.questions])
    report_assistant = Assistant(Settings(), show_progress=False)
    report_rows, report_alone = measured("report", report_assistant, report_questions(report_assistant))
    rows, alone = rows + drcd_rows + report_rows, alone + drcd_alone + report_alone
    X = np.asarray([r["x"] for r in rows], dtype=np.float64)
    X_span = np.asarray([r["x_span"] for r in rows], dtype=np.float64)
    tree_f1 = np.asarray([r["tree_f1"] for r in rows])
    span_f1 = np.asarray([r["span_f1"] for r in rows])
    has_span = np.asarray([r["has_span"] for r in rows])
    traditional = np.asarray([r["traditional"] for r in rows])
    groups = [r["group"] for r in rows]
    p_tree, p_span = np.zeros(len(rows)), np.zeros(len(rows))
    for train, test in GroupKFold(n_splits=5).split(X, tree_f1, groups):
        for script in SCRIPTS:
            fit_on, score = train[traditional[train] == script], test[traditional[test] == script]
            if len(score):
                p_tree[score] = fit(X[fit_on], tree_f1[fit_on] >= 0.5).probabilities(X[score])
                p_span[score] = fit(X_span[fit_on], span_f1[fit_on] >= 0.5).probabilities(X_span[score])
    # what shown.py compares with the threshold: P(right | the sentence answers) × P(it answers)
    answerable = np.asarray([r["answerable"] for r in rows])
    p_tree, p_span = p_tree * answerable, np.where(has_span, p_span * answerable, 0.0)
    offer_is_span = p_span > p_tree
    p_offer, f1_offer = np.maximum(p_tree, p_span), np.where(offer_is_span, span_f1, tree_f1)
    offers = {"both": (p_offer, f1_offer), "trees": (p_tree, tree_f1), "span": (p_span, span_f1)}
    report: dict[str, object] = {"questions": {s: sum(r["set"] == s for r in rows) for s in SETS}}
    # per set, and per script pooled over its sets: what is offered and from which P on is chosen on the script's
    # pooled curves (the readers are not equally good at both scripts)
    members = {**{s: {s} for s in SETS}, **{SCRIPTS[t]: {s for s in SETS if SETS[s] == t} for t in SCRIPTS}}
    alone_p, alone_f1 = np.asarray([r["p"] for r in alone]), np.asarray([r["span_f1"] for r in alone])
    for name, sets in members.items():
        mask = np.asarray([r["set"] in sets for r in rows])
        in_alone = np.asarray([r["set"] in sets for r in alone], dtype=bool)
        report[name] = {"tree_f1": round(float(tree_f1[mask].mean()), 4),
                        "span_f1": round(float(span_f1[mask].mean()), 4),
                        "offer_f1": round(float(f1_offer[mask].mean()), 4),
                        "offer_is_span": round(float(offer_is_span[mask].mean()), 4),
                        **{f"curve {offered}": curve(p[mask], f1[mask]) for offered, (p, f1) in offers.items()},
                        # where the trees offer no phrase: the reader's span alone
                        "span alone questions": int(in_alone.sum()),
                        "curve span alone": curve(alone_p[in_alone], alone_f1[in_alone]) if in_alone.any() else []}
    chosen = {script: offered_and_threshold(report[pooled])  # type: ignore[arg-type]
              for script, pooled in SCRIPTS.items()}
    span_alone = {script: lowest_right(report[pooled]["curve span alone"])  # type: ignore[index]
                  for script, pooled in SCRIPTS.items()}
    report["chosen"] = {SCRIPTS[script]: {"offered": offered, "threshold": t, SPAN_ALONE: span_alone[script]}
                        for script, (offered, t) in chosen.items()}
    meta = {"command": "python scripts/calibrate_short.py", "calibration": report}
    for script, (tree_name, span_name) in SHOW_MODELS.items():
        mine = traditional == script
        offered, t = chosen[script]
        for name, x, f1, held in ((tree_name, X, tree_f1, t if offered != "span" else NEVER),
                                  (span_name, X_span, span_f1, t if offered != "trees" else NEVER)):
            model = fit(x[mine], f1[mine] >= 0.5)
            thresholds = {"show": held, **({SPAN_ALONE: span_alone[script]} if name == tree_name else {})}
            model = LinearModel(model.features, model.mean, model.scale, model.coef, model.intercept, thresholds)
            (MODELS_DIR / f"{name}.json").write_text(json.dumps(
                model.to_json(meta if name == "show" else {"command": meta["command"]}), ensure_ascii=False,
                indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
