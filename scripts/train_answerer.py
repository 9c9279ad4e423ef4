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
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from qa.answer.candidates import Candidate, collect, next_statement
from qa.answer.continuation import CONTINUATION_FEATURES, CONTINUE_ABOVE, MAX_ADDED, continuation_row, continued
from qa.answer.context import AnswerContext
from qa.answer.features import FEATURES, Question, analyse, feature_matrix
from qa.answer.focus import CLAUSE_FEATURES, clause_features, clause_spans, focused
from qa.answer.model import MODELS_DIR, LinearModel, Model, TreeEnsemble
from qa.answer.short import SHORT_FEATURES, answer_phrases, short_features, short_phrase
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


@dataclass
class Example:
    """One question's candidates: selector rows and labels, and the short-answer rows of its gold sentences."""

    group: str
    X: np.ndarray
    y: np.ndarray
    #: the candidate's passage holds the answer (what the answer's first citation is judged on)
    passage_y: np.ndarray
    rank0: np.ndarray
    golds: tuple[str, ...]
    short_X: list[np.ndarray] = field(default_factory=list)
    short_y: list[np.ndarray] = field(default_factory=list)
    short_texts: list[list[str]] = field(default_factory=list)
    #: the question and its focused candidates, for end-to-end scoring
    asked: "Asked | None" = None
    candidates: list[Candidate] = field(default_factory=list)


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
            X.append(clause_features(a.q, c.text, spans, a.context.segmenter))
            y.extend(labels)
            groups.extend([a.group] * len(spans))
            sentence_ids.extend([len(X)] * len(spans))
    return np.vstack(X), np.array(y, dtype=np.int8), groups, sentence_ids


def _keys_held(text: str, golds: tuple[str, ...], all_required: bool) -> int:
    """How much of the answer a text holds: report keys found; for CMRC 1 when some gold answer is inside."""
    norm = normal_form(text)
    if all_required:
        return sum(normal_form(g) in norm for g in golds)
    return int(any(normal_form(g) in norm for g in golds))


def continuation_data(asked: list[Asked]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(quoted so far, next sentence) rows of the sentence where each answer starts; a row is positive when the
    next sentence is needed: the quote does not yet hold the whole answer and adding the sentence holds more."""
    X, y, groups = [], [], []
    for a in asked:
        need = len(a.golds) if a.all_required else 1
        start = next((c for c in a.candidates if _keys_held(c.text, a.golds, a.all_required)
                      or _spans_into_next(c, a)), None)
        if start is None:
            continue
        quoted, at, added = start.text, next_statement(start.passage, start.index, a.context), 0
        while at is not None and added <= MAX_ADDED:
            passage, index = at
            sentence = passage.statements[index]
            held = _keys_held(quoted, a.golds, a.all_required)
            needed = held < need and _keys_held(quoted + sentence, a.golds, a.all_required) > held
            X.append(continuation_row(a.q, quoted, sentence, passage is start.passage, added))
            y.append(int(needed))
            groups.append(a.group)
            if not needed:
                break
            quoted, at, added = quoted + sentence, next_statement(passage, index, a.context), added + 1
    return np.asarray(X, dtype=np.float32), np.asarray(y, dtype=np.int8), groups


def _spans_into_next(c: Candidate, a: Asked) -> bool:
    """A CMRC answer that starts in this sentence and ends in the next one."""
    if a.all_required:
        return False
    after = c.after(a.context)
    joined = normal_form(c.text + after)
    return any(normal_form(g) in joined and normal_form(g) not in normal_form(after)
               and normal_form(g)[:4] in normal_form(c.text) for g in a.golds)


def continuation_cross_validate(X: np.ndarray, y: np.ndarray, groups: list[str]) -> dict[str, float]:
    """Share of needed / unneeded next sentences the model decides right (folds grouped by article)."""
    decided = np.zeros(len(y), dtype=bool)
    for train, test in GroupKFold(n_splits=FOLDS).split(X, groups=groups):
        model = fit(CONTINUATION_FEATURES, X[train], y[train], 1.0)
        decided[test] = model.probabilities(X[test]) > CONTINUE_ABOVE
    return {"rows": int(len(y)), "needed": int(y.sum()),
            "needed_added": round(float(decided[y == 1].mean()), 4),
            "unneeded_left_out": round(float((~decided[y == 0]).mean()), 4)}


def examples_of(asked: list[Asked], locator: LinearModel) -> list[Example]:
    """Selector rows of focused candidates, and short-answer rows of the gold sentences."""
    examples = []
    for a in asked:
        cands = focused(a.q, a.candidates, a.context.segmenter, locator)
        ex = Example(a.group, feature_matrix(a.q, cands, a.context), a.y,
                     np.array([holds_gold(c.passage.text, a.golds, a.all_required) for c in cands], dtype=np.int8),
                     np.array([c.rank == 0 and not c.neighbour for c in cands]), a.golds, asked=a, candidates=cands)
        if not a.all_required:
            for i in np.flatnonzero(a.y):
                analysed, chosen = answer_phrases(a.q, cands[i].text, a.context.segmenter)
                if not chosen:
                    continue
                texts = [analysed.phrases[n].text for n in chosen]
                ex.short_X.append(short_features(a.q, analysed, chosen))
                ex.short_y.append(np.array([bool(exact_match(t, a.golds)) for t in texts], dtype=np.int8))
                ex.short_texts.append(texts)
        examples.append(ex)
    return examples


def fit(features: tuple[str, ...], X: np.ndarray, y: np.ndarray, c: float,
        weight: np.ndarray | None = None) -> LinearModel:
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=c, max_iter=2000).fit((X - mean) / scale, y, sample_weight=weight)
    return LinearModel(features, mean, scale, lr.coef_[0], float(lr.intercept_[0]), {})


def top1(model: Model, examples: list[Example], passage: bool = False) -> float:
    """Share of questions whose best-scored candidate holds the answer (or, with `passage`, sits in a passage
    that holds it: what the answer's first citation is judged on)."""
    picked = [(ex, int(np.argmax(model.probabilities(ex.X)))) for ex in examples if len(ex.y)]
    return float(np.sum([(ex.passage_y if passage else ex.y)[i] for ex, i in picked]) / (len(examples) or 1))


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


def weights(examples: list[Example]) -> np.ndarray:
    """One weight per candidate row: every question weighs the same whatever its number of candidates, and the
    report's questions weigh as much in total as the CMRC ones (domain balance: 28 in-domain questions would
    otherwise be drowned by 1,000 encyclopedia ones)."""
    report = sum(ex.group == "report" for ex in examples)
    other = len(examples) - report
    balance = other / report if report and other else 1.0
    return np.concatenate([np.full(len(ex.y), (balance if ex.group == "report" else 1.0) / len(ex.y))
                           for ex in examples])


@dataclass(frozen=True)
class TreeSettings:
    """The boosting grid searched by cross-validation."""

    iterations: int
    leaves: int
    learning_rate: float = 0.05


TREE_GRID = (TreeSettings(100, 15), TreeSettings(200, 15), TreeSettings(200, 7), TreeSettings(200, 31))


def fit_trees(features: tuple[str, ...], X: np.ndarray, y: np.ndarray, w: np.ndarray,
              tree: TreeSettings) -> TreeEnsemble:
    """Boosted trees for P(row is positive), exported to the JSON node form (and checked against scikit-learn)."""
    booster = HistGradientBoostingClassifier(max_iter=tree.iterations, max_leaf_nodes=tree.leaves,
                                             learning_rate=tree.learning_rate, early_stopping=False,
                                             random_state=0)
    booster.fit(X, y, sample_weight=w / w.mean())
    model = export_trees(booster, features)
    check = X[:: max(1, len(X) // 2000)]
    if not np.allclose(model.raw_scores(check), booster.decision_function(check), atol=1e-4):
        raise AssertionError("exported trees do not score as scikit-learn's")
    return model


def fit_selector(examples: list[Example], tree: TreeSettings) -> TreeEnsemble:
    """The sentence selector on every candidate row of these questions."""
    used = [ex for ex in examples if len(ex.y)]
    return fit_trees(FEATURES, np.vstack([ex.X for ex in used]), np.concatenate([ex.y for ex in used]),
                     weights(used), tree)


def export_trees(booster: HistGradientBoostingClassifier, features: tuple[str, ...]) -> TreeEnsemble:
    """scikit-learn's fitted trees (binary classification) as one flat node table."""
    nodes = [predictor.nodes for (predictor,) in booster._predictors]
    offsets = np.cumsum([0] + [len(n) for n in nodes[:-1]])
    table = np.concatenate(nodes)
    shift = np.repeat(offsets, [len(n) for n in nodes])
    leaf = table["is_leaf"].astype(bool)
    return TreeEnsemble(features, float(np.ravel(booster._baseline_prediction)[0]), offsets.astype(np.int64),
                        table["feature_idx"].astype(np.int64), table["num_threshold"].astype(np.float64),
                        np.where(leaf, 0, table["left"] + shift).astype(np.int64),
                        np.where(leaf, 0, table["right"] + shift).astype(np.int64),
                        table["value"].astype(np.float64), leaf, int(table["depth"].max()), {})


def cross_validate(examples: list[Example], tree: TreeSettings) -> list[tuple[list[Example], TreeEnsemble]]:
    groups = [ex.group for ex in examples]
    return [([examples[i] for i in test], fit_selector([examples[i] for i in train], tree))
            for train, test in GroupKFold(n_splits=FOLDS).split(examples, groups=groups)]


def pooled(folds: list[tuple[list[Example], Model]], passage: bool = False, only: str | None = None) -> float:
    """A top-1 rate over the test questions of all folds; `only`: "report" or "cmrc" questions alone."""
    parts = [([e for e in test if only is None or (e.group == "report") == (only == "report")], m)
             for test, m in folds]
    total = sum(len(t) for t, _ in parts)
    return sum(top1(m, t, passage) * len(t) for t, m in parts if t) / (total or 1)


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


#: The short-answer trees (phrase features interact more than sentence ones: a measured 0.66 vs 0.60 F1 on the
#: gold sentences of the trial set for 300×31 against 200×15; more trees or leaves changed nothing).
SHORT_TREES = TreeSettings(300, 31)


def fit_short(examples: list[Example]) -> TreeEnsemble:
    """P(phrase is the gold answer) over the phrases of every gold sentence; each sentence weighs the same."""
    X = np.vstack([x for ex in examples for x in ex.short_X])
    y = np.concatenate([v for ex in examples for v in ex.short_y])
    w = np.concatenate([np.full(len(v), 1.0 / len(v)) for ex in examples for v in ex.short_y])
    return fit_trees(SHORT_FEATURES, X, y, w, SHORT_TREES)


def short_scores(model: Model, examples: list[Example]) -> tuple[float, float]:
    """EM and char-F1 of the best phrase of each question's first gold sentence."""
    em, f1 = [], []
    for ex in examples:
        if not ex.short_X:
            continue
        text = ex.short_texts[0][int(np.argmax(model.probabilities(ex.short_X[0])))]
        f1.append(max(char_f1(text, g) for g in ex.golds))
        em.append(float(exact_match(text, ex.golds) or 0.0))
    return float(np.mean(em)), float(np.mean(f1))


@dataclass(frozen=True)
class EndToEnd:
    """One question answered by fold models as `compose` would: chosen sentence, its passage, short answer."""

    sentence: bool
    passage: bool
    contains: bool
    short_em: float
    short_f1: float


def answer_end_to_end(ex: Example, selector: Model, short: Model, continuation: Model) -> EndToEnd:
    """Choose the sentence, then its short answer (none for why/how) and the sentences that continue it, then score
    against the gold answers."""
    if not len(ex.y) or ex.asked is None:
        return EndToEnd(False, False, False, 0.0, 0.0)
    best = int(np.argmax(selector.probabilities(ex.X)))
    chosen = ex.candidates[best]
    phrase = short_phrase(ex.asked.q, chosen, ex.asked.context, short)
    added = "".join(x.text for x in continued(ex.asked.q, chosen, ex.asked.context, continuation))
    text = f"{phrase or ''}。{chosen.text}{added}"
    return EndToEnd(bool(ex.y[best]), bool(ex.passage_y[best]), holds_gold(text, ex.golds, False),
                    float(exact_match(phrase or "", ex.golds) or 0.0),
                    max(char_f1(phrase or "", g) for g in ex.golds))


def end_to_end(examples: list[Example], tree: TreeSettings) -> dict[str, float]:
    """Cross-validated end-to-end numbers on the CMRC questions (folds grouped by article, both models refitted
    on each fold's training articles)."""
    results: list[EndToEnd] = []
    groups = [ex.group for ex in examples]
    for train, test in GroupKFold(n_splits=FOLDS).split(examples, groups=groups):
        selector = fit_selector([examples[i] for i in train], tree)
        short = fit_short([examples[i] for i in train if examples[i].short_X])
        cx, cy, _ = continuation_data([examples[i].asked for i in train if examples[i].asked is not None])
        continuation = fit(CONTINUATION_FEATURES, cx, cy, 1.0)
        results.extend(answer_end_to_end(examples[i], selector, short, continuation) for i in test
                       if examples[i].group != "report")
    return {name: round(float(np.mean([getattr(r, name) for r in results])), 4)
            for name in ("sentence", "passage", "contains", "short_em", "short_f1")}


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
    best_tree, best = TREE_GRID[0], -1.0
    for tree in TREE_GRID:
        acc = pooled(cross_validate(examples, tree), only="cmrc")
        report[f"cv_top1_trees_{tree.iterations}x{tree.leaves}"] = round(acc, 4)
        if acc > best:
            best_tree, best = tree, acc
    folds = cross_validate(examples, best_tree)
    report["cv_top1"] = round(pooled(folds, only="cmrc"), 4)
    report["cv_passage_top1"] = round(pooled(folds, passage=True, only="cmrc"), 4)
    report["cv_top1_report"] = round(pooled(folds, only="report"), 4)
    selector = fit_selector(examples, best_tree)

    # short answers: CV by article over the CMRC gold sentences, then both models end to end
    short_examples = [ex for ex in examples if ex.short_X]
    em, f1 = [], []
    for train, test in GroupKFold(n_splits=FOLDS).split(short_examples, groups=[e.group for e in short_examples]):
        e, f = short_scores(fit_short([short_examples[i] for i in train]), [short_examples[i] for i in test])
        em.append(e * len(test))
        f1.append(f * len(test))
    report["short_cv_em"] = round(sum(em) / len(short_examples), 4)
    report["short_cv_f1"] = round(sum(f1) / len(short_examples), 4)
    report["end_to_end_cv"] = end_to_end(examples, best_tree)
    short = fit_short(short_examples)

    cx, cy, cgroups = continuation_data(asked)
    report["continuation_cv"] = continuation_cross_validate(cx, cy, cgroups)
    continuation = fit(CONTINUATION_FEATURES, cx, cy, 1.0)

    meta = {"command": "python scripts/train_answerer.py", "data": ["CMRC 2018 trial (CC BY-SA 4.0)", "dev_qa.jsonl"],
            "selector_trees": vars(best_tree), "cv": report}
    MODELS_DIR.mkdir(exist_ok=True)
    (MODELS_DIR / "focus.json").write_text(json.dumps(locator.to_json(meta), ensure_ascii=False, indent=1) + "\n")
    (MODELS_DIR / "selector.json").write_text(json.dumps(selector.to_json(meta), ensure_ascii=False) + "\n")
    (MODELS_DIR / "continuation.json").write_text(
        json.dumps(continuation.to_json(meta), ensure_ascii=False, indent=1) + "\n")
    (MODELS_DIR / "short.json").write_text(json.dumps(short.to_json(meta), ensure_ascii=False) + "\n")
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
