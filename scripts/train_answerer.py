"""Train the answer layer's two models and write them to qa/answer/models/ (JSON coefficients, no pickle).

    .venv/bin/python scripts/train_answerer.py [--work DIR]

Data: the CMRC 2018 trial set (../shared/eval/cmrc2018_trial.json, CC BY-SA 4.0, Cui et al. 2019; its contexts
become a corpus indexed under --work) and the report dev set (../shared/eval/dev_qa.jsonl on the bundled corpus).
The CMRC 2018 dev set is never read. For every question the real pipeline retrieves passages and lists candidate
sentences (`qa.answer.candidates`); the selector learns P(sentence holds the answer) from `qa.answer.features`,
the short-answer model learns P(phrase is the gold answer) from `qa.answer.short` on gold-holding sentences.
Numbers are cross-validated with folds grouped by article (the report counts as one article), then the final
models are fitted on everything. Needs scikit-learn (a dev dependency; inference needs only numpy).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from qa.answer.candidates import Candidate, collect
from qa.answer.context import AnswerContext
from qa.answer.features import FEATURES, Question, analyse, feature_matrix
from qa.answer.focus import CLAUSE_FEATURES, clause_features, clause_spans, focused
from qa.answer.model import MODELS_DIR, LinearModel
from qa.answer.short import SHORT_FEATURES, answer_phrases, short_features
from qa.config import Settings
from qa.evaluate.metrics import char_f1, contains_all, exact_match
from qa.evaluate.questions import read_questions
from qa.evaluate.reading import parse_reading_set, write_corpus
from qa.pipeline import Assistant
from qa.retrieve.hybrid import retrieve
from qa.segment.script import to_simplified
from qa.text import normal_form

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval"
FOLDS = 5
#: L2 strength: chosen as the best cross-validated top-1 accuracy over 0.01…10 (printed by --sweep)
C_VALUES = (0.01, 0.1, 1.0, 10.0)


@dataclass
class Example:
    """One question's candidates: selector rows and labels, and the short-answer rows of its gold sentences."""

    group: str
    X: np.ndarray
    y: np.ndarray
    rank0: np.ndarray
    golds: tuple[str, ...]
    short_X: list[np.ndarray] = field(default_factory=list)
    short_y: list[np.ndarray] = field(default_factory=list)
    short_texts: list[list[str]] = field(default_factory=list)


@dataclass
class Asked:
    """One question through the real retrieval: its candidate sentences and which of them hold the answer."""

    group: str
    q: Question
    candidates: list[Candidate]
    y: np.ndarray
    golds: tuple[str, ...]
    all_required: bool
    context: AnswerContext


def ask_all(assistant: Assistant, items: list[tuple[str, str, tuple[str, ...], bool]]) -> list[Asked]:
    """(group, question, gold strings, all_required) → candidates and labels."""
    asked = []
    settings = assistant.settings
    for n, (group, question, golds, all_required) in enumerate(items):
        searched = to_simplified(question)
        found = retrieve(assistant.index, searched, settings.answer.candidates, settings.retrieval)
        q = analyse(searched, found.query_vector, assistant.context)
        cands = collect(found.hits, assistant.context)
        y = np.array([holds_gold(c.text, golds, all_required) for c in cands], dtype=np.int8)
        asked.append(Asked(group, q, cands, y, golds, all_required, assistant.context))
        if n % 100 == 0:
            print(f"  {n}/{len(items)}", file=sys.stderr)
    return asked


def holds_gold(text: str, golds: tuple[str, ...], all_required: bool) -> bool:
    """The report key needs every answer string; a CMRC question any of its gold answers."""
    return contains_all(text, golds) if all_required else any(normal_form(g) in normal_form(text) for g in golds)


def focus_data(asked: list[Asked]) -> tuple[np.ndarray, np.ndarray, list[str], list[int]]:
    """Clause rows of every gold sentence with two or more clauses; a clause is positive when it holds the answer
    or lies inside a long answer. Also each row's group and the id of its sentence (for top-1 scoring)."""
    X, y, groups, sentence_ids = [], [], [], []
    for a in asked:
        for i in np.flatnonzero(a.y):
            c = a.candidates[i]
            spans = clause_spans(c.text)
            if len(spans) < 2:
                continue
            labels = [holds_gold(c.text[s:e], a.golds, a.all_required)
                      or any(normal_form(c.text[s:e]).strip("。") in normal_form(g) for g in a.golds)
                      for s, e in spans]
            if not any(labels):
                continue
            X.append(clause_features(a.q, c.text, spans, a.context.segmenter.tagged(c.text)))
            y.extend(labels)
            groups.extend([a.group] * len(spans))
            sentence_ids.extend([len(X)] * len(spans))
    return np.vstack(X), np.array(y, dtype=np.int8), groups, sentence_ids


def examples_of(asked: list[Asked], locator: LinearModel) -> list[Example]:
    """Selector rows of focused candidates, and short-answer rows of the gold sentences."""
    examples = []
    for a in asked:
        cands = focused(a.q, a.candidates, a.context.segmenter, locator)
        ex = Example(a.group, feature_matrix(a.q, cands, a.context), a.y,
                     np.array([c.rank == 0 and not c.neighbour for c in cands]), a.golds)
        if not a.all_required:
            for i in np.flatnonzero(a.y):
                tagged, spans = answer_phrases(a.q, cands[i].text, a.context.segmenter)
                if not spans:
                    continue
                ex.short_X.append(short_features(a.q, tagged, spans))
                ex.short_y.append(np.array([bool(exact_match(s.text, a.golds)) for s in spans], dtype=np.int8))
                ex.short_texts.append([s.text for s in spans])
        examples.append(ex)
    return examples


def fit(features: tuple[str, ...], X: np.ndarray, y: np.ndarray, c: float,
        weight: np.ndarray | None = None) -> LinearModel:
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=c, max_iter=2000).fit((X - mean) / scale, y, sample_weight=weight)
    return LinearModel(features, mean, scale, lr.coef_[0], float(lr.intercept_[0]), {})


def top1(model: LinearModel, examples: list[Example]) -> float:
    """Share of questions whose best-scored candidate holds the answer."""
    return float(np.mean([ex.y[int(np.argmax(model.probabilities(ex.X)))] if len(ex.y) else 0 for ex in examples]))


def naive_top1(examples: list[Example]) -> float:
    """The NOTES.md naive baseline: best term-overlap sentence of the top passage."""
    col = FEATURES.index("coverage_partial")
    hits = []
    for ex in examples:
        mask = ex.rank0
        if not mask.any():
            hits.append(0)
            continue
        scores = np.where(mask, ex.X[:, col], -1)
        hits.append(ex.y[int(np.argmax(scores))])
    return float(np.mean(hits))


def stack(examples: list[Example]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows, labels and weights; the report's questions weigh as much in total as the CMRC ones (domain
    balance: 28 in-domain questions would otherwise be drowned by 1,000 encyclopedia ones)."""
    used = [ex for ex in examples if len(ex.y)]
    report = sum(ex.group == "report" for ex in used)
    other = len(used) - report
    balance = other / report if report and other else 1.0
    w = np.concatenate([np.full(len(ex.y), balance if ex.group == "report" else 1.0) for ex in used])
    return np.vstack([ex.X for ex in used]), np.concatenate([ex.y for ex in used]), w


def fit_pairwise(examples: list[Example], c: float) -> LinearModel:
    """A ranking model: logistic regression on (answer sentence − other sentence) feature differences of the same
    question, both orders, each question weighing the same (report questions domain-balanced as in `stack`).
    It learns what makes one candidate better than its rivals, which is what top-1 needs; its scores order
    candidates but are not probabilities."""
    X, _, _ = stack(examples)
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    used = [ex for ex in examples if ex.y.any() and not ex.y.all()]
    report = sum(ex.group == "report" for ex in used)
    balance = (len(used) - report) / report if report and len(used) > report else 1.0
    diffs, weights = [], []
    for ex in used:
        Z = (ex.X - mean) / scale
        pos, neg = Z[ex.y == 1], Z[ex.y == 0]
        d = (pos[:, None, :] - neg[None, :, :]).reshape(-1, Z.shape[1])
        diffs.append(d)
        weights.append(np.full(len(d), (balance if ex.group == "report" else 1.0) / len(d)))
    D, W = np.vstack(diffs), np.concatenate(weights)
    lr = LogisticRegression(C=c, max_iter=2000, fit_intercept=False).fit(
        np.vstack([D, -D]), np.r_[np.ones(len(D)), np.zeros(len(D))], sample_weight=np.r_[W, W] * len(used))
    return LinearModel(FEATURES, mean, scale, lr.coef_[0], 0.0, {})


def fit_selector(examples: list[Example], c: float, pairwise: bool) -> LinearModel:
    if pairwise:
        return fit_pairwise(examples, c)
    X, y, w = stack(examples)
    return fit(FEATURES, X, y, c, w)


def cross_validate(examples: list[Example], c: float, pairwise: bool) -> list[tuple[list[Example], LinearModel]]:
    groups = [ex.group for ex in examples]
    return [([examples[i] for i in test], fit_selector([examples[i] for i in train], c, pairwise))
            for train, test in GroupKFold(n_splits=FOLDS).split(examples, groups=groups)]


def focus_cross_validate(X: np.ndarray, y: np.ndarray, groups: list[str], sentences: list[int]) -> float:
    """Share of gold sentences whose best-scored clause holds the answer (folds grouped by article)."""
    ids = np.asarray(sentences)
    right = []
    for train, test in GroupKFold(n_splits=FOLDS).split(X, groups=groups):
        p = fit(CLAUSE_FEATURES, X[train], y[train], 1.0).probabilities(X[test])
        for sid in np.unique(ids[test]):
            rows = np.flatnonzero(ids[test] == sid)
            right.append(y[test][rows[int(np.argmax(p[rows]))]])
    return float(np.mean(right))


def naive_focus_top1(X: np.ndarray, y: np.ndarray, sentences: list[int]) -> float:
    """Baseline: the clause with the most question-term weight."""
    ids = np.asarray(sentences)
    col = CLAUSE_FEATURES.index("coverage_partial")
    right = []
    for sid in np.unique(ids):
        rows = np.flatnonzero(ids == sid)
        right.append(y[rows[int(np.argmax(X[rows, col]))]])
    return float(np.mean(right))


def short_data(examples: list[Example]) -> tuple[np.ndarray, np.ndarray]:
    X = [x for ex in examples for x in ex.short_X]
    y = [v for ex in examples for v in ex.short_y]
    return np.vstack(X), np.concatenate(y)


def short_scores(model: LinearModel, examples: list[Example]) -> tuple[float, float, list[tuple[float, float]]]:
    """EM and char-F1 of the best phrase of the first gold sentence, and (probability, F1) pairs for thresholds."""
    em, f1, pairs = [], [], []
    for ex in examples:
        if not ex.short_X:
            continue
        p = model.probabilities(ex.short_X[0])
        best = int(np.argmax(p))
        text = ex.short_texts[0][best]
        score = max(char_f1(text, g) for g in ex.golds)
        em.append(float(exact_match(text, ex.golds) or 0.0))
        f1.append(score)
        pairs.append((float(p[best]), score))
    return float(np.mean(em)), float(np.mean(f1)), pairs


def cmrc_items(work: Path) -> tuple[Settings, list[tuple[str, str, tuple[str, ...], bool]]]:
    reading = parse_reading_set((SHARED / "cmrc2018_trial.json").read_text(encoding="utf-8"))
    write_corpus(reading.contexts, work / "corpus")
    settings = Settings(corpus_dir=work / "corpus", index_dir=work / "index")
    items = [(reading.context_of[q.id], q.q, q.answer_any, False) for q in reading.questions]
    return settings, items


def dev_items() -> list[tuple[str, str, tuple[str, ...], bool]]:
    questions, _ = read_questions(SHARED / "dev_qa.jsonl")
    return [("report", q.q, q.answer, True) for q in questions if not q.unanswerable and q.answer]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / ".cache" / "train", help="corpus/index of CMRC trial")
    args = parser.parse_args()
    cmrc_settings, cmrc = cmrc_items(args.work)
    print("CMRC trial:", len(cmrc), "questions", file=sys.stderr)
    asked = ask_all(Assistant(cmrc_settings), cmrc) + ask_all(Assistant(Settings()), dev_items())

    # the clause locator first: the selector's features include the focus it finds
    report: dict[str, object] = {}
    fx, fy, fgroups, fsentences = focus_data(asked)
    report["focus_clauses"] = len(fy)
    report["focus_naive_top1"] = round(naive_focus_top1(fx, fy, fsentences), 4)
    report["focus_cv_top1"] = round(focus_cross_validate(fx, fy, fgroups, fsentences), 4)
    locator = fit(CLAUSE_FEATURES, fx, fy, 1.0)
    examples = examples_of(asked, locator)
    report["naive_top1"] = round(naive_top1(examples), 4)
    best_c, best_pairwise, best = C_VALUES[0], False, -1.0
    for pairwise in (False, True):
        for c in C_VALUES:
            folds = cross_validate(examples, c, pairwise)
            acc = sum(top1(m, test) * len(test) for test, m in folds) / len(examples)
            report[f"cv_top1_{'pairwise' if pairwise else 'pointwise'}_C{c}"] = round(acc, 4)
            if acc > best:
                best_c, best_pairwise, best = c, pairwise, acc
    folds = cross_validate(examples, best_c, best_pairwise)
    report["cv_top1"] = round(best, 4)
    report["cv_top1_report"] = round(next(top1(m, [e for e in test if e.group == "report"])
                                          for test, m in folds if any(e.group == "report" for e in test)), 4)
    selector = fit_selector(examples, best_c, best_pairwise)

    # short answers: CV by article over the CMRC gold sentences
    short_examples = [ex for ex in examples if ex.short_X]
    em, f1, pairs = [], [], []
    for train, test in GroupKFold(n_splits=FOLDS).split(short_examples, groups=[e.group for e in short_examples]):
        sx, sy = short_data([short_examples[i] for i in train])
        model = fit(SHORT_FEATURES, sx, sy, 1.0)
        e, f, p = short_scores(model, [short_examples[i] for i in test])
        em.append(e * len(test))
        f1.append(f * len(test))
        pairs.extend(p)
    report["short_cv_em"] = round(sum(em) / len(short_examples), 4)
    report["short_cv_f1"] = round(sum(f1) / len(short_examples), 4)
    # the short answer is shown when its probability clears the threshold that maximises mean F1 (0 when hidden)
    curve = {t: float(np.mean([f if p >= t else 0.0 for p, f in pairs])) for t in np.arange(0.0, 0.9, 0.05)}
    threshold = max(curve, key=lambda t: curve[t])
    report["short_threshold_curve"] = {f"{t:.2f}": round(v, 4) for t, v in curve.items()}
    sx, sy = short_data(short_examples)
    short = fit(SHORT_FEATURES, sx, sy, 1.0)
    short = LinearModel(short.features, short.mean, short.scale, short.coef, short.intercept,
                        {"show": round(float(threshold), 2)})

    meta = {"command": "python scripts/train_answerer.py", "data": ["CMRC 2018 trial (CC BY-SA 4.0)", "dev_qa.jsonl"],
            "c": best_c, "pairwise": best_pairwise, "cv": report}
    MODELS_DIR.mkdir(exist_ok=True)
    (MODELS_DIR / "focus.json").write_text(json.dumps(locator.to_json(meta), ensure_ascii=False, indent=1) + "\n")
    (MODELS_DIR / "selector.json").write_text(json.dumps(selector.to_json(meta), ensure_ascii=False, indent=1) + "\n")
    (MODELS_DIR / "short.json").write_text(json.dumps(short.to_json(meta), ensure_ascii=False, indent=1) + "\n")
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
