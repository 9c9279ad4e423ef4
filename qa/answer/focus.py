"""Where in a sentence the answer sits: a learned clause locator.

Report sentences list several facts with the same words ("…天使轮企业占比28.48%，B轮占比14.48%，C轮及以后占据
9.73%"); which one a question asks for is decided by the clause where its terms meet the asked-for type. For every
clause of a candidate sentence the locator (`models/focus.json`, trained by `scripts/train_answerer.py` on the
clauses of gold sentences of the CMRC 2018 trial set and the report dev set) gives P(the answer is in this clause)
from features that carry across texts. The best clause is the sentence's focus: the selector scores the sentence
with its focus (`features.py`), and the short answer is looked for in the focus first (`compose.short_answer`).
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import lru_cache

import numpy as np

from qa.answer.answer_types import span_holds
from qa.answer.candidates import Candidate
from qa.answer.features import Question, bigrams, novelty
from qa.answer.model import LinearModel, bundled_model
from qa.segment.tokenizer import Segmenter
from qa.text import CLAUSE_BREAK, clauses, normal_form

CLAUSE_FEATURES: tuple[str, ...] = (
    "coverage", "coverage_partial", "coverage_share", "bigram", "novel", "log_length", "first", "last",
    "before_coverage", "after_coverage", "number_match", "time_match", "person_match", "place_match", "org_match",
    "number_missing",
)


@lru_cache(maxsize=1 << 15)
def clause_spans(sentence: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each clause of the sentence, without the break that closes it (cached, so a tuple)."""
    spans: list[tuple[int, int]] = []
    at = 0
    for part in clauses(sentence):
        at = sentence.index(part, at)
        spans.append((at, at + len(part.rstrip(CLAUSE_BREAK))))
        at += len(part)
    return tuple(spans) or ((0, len(sentence)),)


def clause_features(q: Question, sentence: str, spans: tuple[tuple[int, int], ...],
                    segmenter: Segmenter) -> np.ndarray:
    """One row per clause, columns in CLAUSE_FEATURES order."""
    norms = [normal_form(sentence[a:b]) for a, b in spans]
    cover = [q.terms.coverage(n) for n in norms]
    whole = q.terms.coverage(normal_form(sentence)) or 1.0
    rows = []
    for i, ((a, b), norm) in enumerate(zip(spans, norms)):
        held = span_holds(segmenter, sentence, a, b)
        rows.append([
            q.terms.coverage(norm, partial=False), cover[i], cover[i] / whole,
            len(q.bigrams & bigrams(norm)) / (len(q.bigrams) or 1), novelty(norm, q), math.log1p(len(norm)),
            float(i == 0), float(i == len(spans) - 1),
            cover[i - 1] if i > 0 else 0.0, cover[i + 1] if i + 1 < len(spans) else 0.0,
            *held.matches(q.qtype.kind), float(q.qtype.wants_number and not held.number),
        ])
    return np.asarray(rows, dtype=np.float32).reshape(len(spans), len(CLAUSE_FEATURES))


def focused(q: Question, candidates: list[Candidate], segmenter: Segmenter,
            model: LinearModel | None = None) -> list[Candidate]:
    """Each candidate with its focus clause and the locator's probability for it (`model`: the bundled one, or
    the one being trained)."""
    model = model or bundled_model("focus", CLAUSE_FEATURES)
    out = []
    for c in candidates:
        spans = clause_spans(c.text)
        if len(spans) == 1:
            out.append(replace(c, start=0, end=len(c.text), focus_score=1.0))
            continue
        p = model.probabilities(clause_features(q, c.text, spans, segmenter))
        best = int(np.argmax(p))
        out.append(replace(c, start=spans[best][0], end=spans[best][1], focus_score=float(p[best])))
    return out
