"""Bold only when right: which short answer is shown, if any, from a calibrated P(the phrase is mostly right).

A wrong bold answer ("北京市" above a sentence that says 海淀区) costs more trust than no bold answer. Two readers
offer a phrase of the quoted sentence: the trees (`short.py`) and the transformer reader's span (`reader.py`).
Logistic regressions fitted by `scripts/calibrate_short.py` on questions neither reader was trained on estimate
P(mostly right) of each from what both readers say: the trees' probability and lead over the runner-up, the
reader's span probability, whether the two agree, the verifier's P that the window answers, the phrase's length
and the question kind — times the answerability model's P that the quoted sentence answers at all (the show
models learned only from questions that have an answer). There is one pair per script of the quoted text
(`models/show.json` + `show_span.json` for Simplified, `show_traditional.json` + `show_span_traditional.json` for
Traditional): the readers are not equally good at both — on held-out DRCD questions the reader's span is right
more often than the trees', on CMRC questions less often — so a pair fitted on both scripts misjudged each
(measured in README). The likelier phrase is shown when its P reaches its model's threshold: the lowest at which
≥ 85 % of shown answers were mostly right (char-F1 ≥ 0.5) in cross-validation on that script's corpus (Simplified:
CMRC questions; Traditional: DRCD) — for the offer (both phrases, the trees' alone or the span alone) whose curve
gave the most right answers there.
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
    "typed", "fact", "list",
)
#: The (trees' phrase, reader's span) show models of Simplified (False) and Traditional (True) text.
SHOW_MODELS: dict[bool, tuple[str, str]] = {False: ("show", "show_span"),
                                            True: ("show_traditional", "show_span_traditional")}
_TYPED = frozenset({Kind.TIME, Kind.QUANTITY, Kind.PERSON, Kind.PLACE, Kind.ORG})


def show_row(q: Question, scored: Scored, reading: Reading, window: Window) -> list[float]:
    """SHOW_FEATURES of the trees' phrase in the quoted sentence's window."""
    kind = q.qtype.kind
    span = span_in_sentence(reading, window)
    return [scored.probability, scored.margin, reading.span_probability, float(span is not None),
            char_f1(scored.text, span) if span else 0.0, reading.answers, math.log1p(len(scored.text)),
            float(kind in _TYPED), float(kind is Kind.FACT), float(kind is Kind.LIST)]


def shown_short(q: Question, scored: Scored | None, reading: Reading, window: Window,
                answerable: float, quoted: Window | None = None) -> str | None:
    """The trees' phrase or the reader's span, whichever is likelier right among those whose probability of being
    right reaches its model's threshold; else None (no phrase for why/how questions). That probability is the
    show model's P(the phrase is mostly right), learned on questions that have an answer, times `answerable`,
    P(the quoted sentence answers at all) from the answerability model: a phrase of an answer that may be no answer
    is no likelier right than the answer. A threshold of 1 means the offer is not made for that script (its curve
    showed fewer right answers with it than without). `quoted`: the part of the window the answer quotes when it
    is more than the sentence (`beside.py`: the reader found the answer in the sentence beside it) — the reader's
    span may lie there; the trees' phrase is still judged as in the sentence's own window."""
    if scored is None:
        return None
    quoted = quoted or window
    tree_name, span_name = SHOW_MODELS[written_traditional(window.text)]
    row = show_row(q, scored, reading, window)
    offers = [(bundled_model(tree_name, SHOW_FEATURES), row, scored.text)]
    span = span_in_sentence(reading, quoted)
    if span is not None:
        span_row = row if quoted == window else show_row(q, scored, reading, quoted)
        offers.append((bundled_model(span_name, SHOW_FEATURES), span_row, span))
    passing = [(p, text) for p, text, threshold in
               ((answerable * float(model.probabilities(np.asarray([row]))[0]), text, model.thresholds["show"])
                for model, row, text in offers)
               if p >= threshold]
    return max(passing, key=lambda offer: offer[0])[1] if passing else None
