"""Bold only when right: which short answer is shown, if any, from a calibrated P(the phrase is mostly right).

A wrong bold answer ("北京市" above a sentence that says 海淀区) costs more trust than no bold answer. Two readers
offer a phrase of the quoted sentence: the trees (`short.py`) and the transformer reader's span (`reader.py`). Two
logistic regressions (`models/show.json` for the trees' phrase, `models/show_span.json` for the reader's span,
fitted by `scripts/calibrate_short.py` on questions neither reader was trained on) estimate P(mostly right) of
each from what both readers say: the trees' probability and lead over the runner-up, the reader's span probability,
whether the two agree, the verifier's P that the window answers, the phrase's length, the question kind, and
whether the text is in Traditional script (the trees learned from Simplified CMRC questions and are measurably
less often right on Traditional text). The likelier phrase is shown when its P reaches the threshold of the text's
script: the lowest at which ≥ 85 % of that script's shown answers were mostly right (char-F1 ≥ 0.5) in
cross-validation (Simplified: CMRC questions; Traditional: DRCD questions).
"""

from __future__ import annotations

import math

import numpy as np

from qa.answer.features import Question
from qa.answer.model import bundled_model
from qa.understand.kind import Kind
from qa.answer.reader import Reading, Window, span_in_sentence
from qa.answer.short import Scored
from qa.segment.script import written_traditional
from qa.text import char_f1

SHOW_FEATURES: tuple[str, ...] = (
    "tree_probability", "tree_margin", "span_probability", "span_inside", "agreement", "verifier", "log_chars",
    "typed", "fact", "list", "traditional_text",
)
_TYPED = frozenset({Kind.TIME, Kind.QUANTITY, Kind.PERSON, Kind.PLACE, Kind.ORG})


def show_row(q: Question, scored: Scored, reading: Reading, window: Window) -> list[float]:
    """SHOW_FEATURES of the trees' phrase in the quoted sentence's window."""
    kind = q.qtype.kind
    span = span_in_sentence(reading, window)
    return [scored.probability, scored.margin, reading.span_probability, float(span is not None),
            char_f1(scored.text, span) if span else 0.0, reading.answers, math.log1p(len(scored.text)),
            float(kind in _TYPED), float(kind is Kind.FACT), float(kind is Kind.LIST),
            float(written_traditional(window.text))]


def shown_short(q: Question, scored: Scored | None, reading: Reading, window: Window) -> str | None:
    """The trees' phrase or the reader's span, whichever is likelier right, when its calibrated probability of
    being right reaches the shown threshold; else None (no phrase for why/how questions)."""
    if scored is None:
        return None
    row = np.asarray([show_row(q, scored, reading, window)])
    tree_model = bundled_model("show", SHOW_FEATURES)
    offers = [(float(tree_model.probabilities(row)[0]), scored.text)]
    span = span_in_sentence(reading, window)
    if span is not None:
        offers.append((float(bundled_model("show_span", SHOW_FEATURES).probabilities(row)[0]), span))
    p, text = max(offers, key=lambda offer: offer[0])
    key = "show_traditional" if written_traditional(window.text) else "show"
    return text if p >= tree_model.thresholds[key] else None
