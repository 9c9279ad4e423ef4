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

A span of a question asking a number is not offered when it lies in a clause about another place than the
question's, while another clause names the asked one ("全国人工智能企业4084家，北京…达1084家" for "北京…有多少家"):
`short.about_another_place` reads the clauses as the trees' own check does (`short._bound_factors`). For other
kinds it removed 13 bold answers on DRCD-40, nearly all right: a name's clause is not bound to a place the way a
figure is.

No phrase is offered that states a threshold the question does not ("14家…超过10亿元" for "超过1亿的…有多少家"):
the figure it gives is of another set than the one asked.

Where the trees offer no phrase — why/how questions, whose answer is a clause ("為了徹底掃除北元勢力"), and
sentences without a phrase of the asked kind — the reader's span is the only offer. Its P(right) is the reader's
own span probability times P(the sentence answers); too few such held-out questions exist (36 DRCD, 24 CMRC) to
fit a model on, so nothing is fitted: the threshold alone is chosen on each script's curve by the same ≥ 85 % rule
(`span_alone` in the trees' model file; 1, never, where the curve does not reach it).
"""

from __future__ import annotations

import math
import re

import numpy as np

from qa.answer.between import thresholds
from qa.answer.features import Question
from qa.answer.model import bundled_model
from qa.understand.kind import Kind
from qa.answer.reader import Reading, Window, span_in_sentence
from qa.answer.short import Scored, about_another_place
from qa.segment.script import written_traditional
from qa.segment.tokenizer import Segmenter
from qa.text import char_f1, without_thousands_separators

SHOW_FEATURES: tuple[str, ...] = (
    "tree_probability", "tree_margin", "span_probability", "span_inside", "agreement", "verifier", "log_chars",
    "typed", "fact", "list", "tree_score", "tree_score_margin",
)
#: The (trees' phrase, reader's span) show models of Simplified (False) and Traditional (True) text.
SHOW_MODELS: dict[bool, tuple[str, str]] = {False: ("show", "show_span"),
                                            True: ("show_traditional", "show_span_traditional")}
_TYPED = frozenset({Kind.TIME, Kind.QUANTITY, Kind.PERSON, Kind.PLACE, Kind.ORG})
#: The threshold, in the trees' model file of a script, from which the reader's span is shown where the trees
#: offer no phrase.
SPAN_ALONE = "span_alone"
#: The threshold of an offer not made (its script's curve never reached ≥ 85 % right): a calibrated P never
#: reaches 1.
NEVER = 1.0


def states_another_threshold(question: str, phrase: str) -> bool:
    """The phrase states a threshold the question does not, while the question states one: its figure counts
    another set than the one asked ("14家…超过10亿元" is no answer to "超过1亿的…有多少家")."""
    asked = thresholds(question)
    return bool(asked) and bool(thresholds(phrase) - asked)


#: A figure on each side of a clause break: "14.48%，C轮及以后占据9.73%" is two values, not one.
_FIGURES_ACROSS_CLAUSES = re.compile(r"\d[^，,；;]*[，,；;].*\d")


def one_value_asked_many_given(wants_number: bool, phrase: str) -> bool:
    """A number or a date is asked, and the phrase runs over a clause break with a figure on each side: it holds
    two of the sentence's values (the trees' phrase of "C轮及以后的北京AI企业占多少比例？" was "14.48%，C轮及以后占据
    9.73%"), so which one answers is not shown in bold."""
    return wants_number and bool(_FIGURES_ACROSS_CLAUSES.search(without_thousands_separators(phrase)))


def span_alone_probability(reading: Reading, answerable: float) -> float:
    """P(right) of the reader's span where it is the only offer: the reader's span probability times P(the
    sentence answers) — as for the other offers, a phrase of an answer that may be none is no likelier right."""
    return reading.span_probability * answerable


def show_row(q: Question, scored: Scored, reading: Reading, window: Window) -> list[float]:
    """SHOW_FEATURES of the trees' phrase in the quoted sentence's window."""
    kind = q.qtype.kind
    span = span_in_sentence(reading, window)
    return [scored.probability, scored.margin, reading.span_probability, float(span is not None),
            char_f1(scored.text, span) if span else 0.0, reading.answers, math.log1p(len(scored.text)),
            float(kind in _TYPED), float(kind is Kind.FACT), float(kind is Kind.LIST), scored.score,
            scored.score_margin]


def shown_short(q: Question, scored: Scored | None, reading: Reading, window: Window,
                answerable: float, segmenter: Segmenter, quoted: Window | None = None) -> str | None:
    """The trees' phrase or the reader's span, whichever is likelier right among those whose probability of being
    right reaches its model's threshold; else None. Without a phrase of the trees (`scored` None: why/how
    questions), the reader's span alone, when `span_alone_probability` reaches its script's threshold. That
    probability is the show model's P(the phrase is mostly right), learned on questions that have an answer, times
    `answerable`, P(the quoted sentence answers at all) from the answerability model: a phrase of an answer that
    may be no answer is no likelier right than the answer. A threshold of 1 (`NEVER`) means the offer is not made
    for that script (its curve showed fewer right answers with it than without). `quoted`: the part of the window
    the answer quotes when it is more than the sentence (`beside.py`: the reader found the answer in the sentence
    beside it) — the reader's span may lie there; the trees' phrase is still judged as in the sentence's own
    window."""
    quoted = quoted or window
    tree_name, span_name = SHOW_MODELS[written_traditional(window.text)]
    span = span_in_sentence(reading, quoted)
    if (span is not None and q.qtype.kind is Kind.QUANTITY
            and about_another_place(q, quoted.text, reading.start, reading.end, segmenter)):
        span = None  # "全国人工智能企业4084家" is no answer to "北京…有多少家" beside "北京…达1084家"
    if scored is None:
        alone = bundled_model(tree_name, SHOW_FEATURES).thresholds.get(SPAN_ALONE, NEVER)
        return span if span is not None and span_alone_probability(reading, answerable) >= alone else None
    row = show_row(q, scored, reading, window)
    offers = [(bundled_model(tree_name, SHOW_FEATURES), row, scored.text)]
    if span is not None:
        span_row = row if quoted == window else show_row(q, scored, reading, quoted)
        offers.append((bundled_model(span_name, SHOW_FEATURES), span_row, span))
    passing = [(p, text) for p, text, threshold in
               ((answerable * float(model.probabilities(np.asarray([row]))[0]), text, model.thresholds["show"])
                for model, row, text in offers)
               if p >= threshold and not states_another_threshold(q.text, text)
               and not one_value_asked_many_given(q.qtype.wants_number, text)]
    return max(passing, key=lambda offer: offer[0])[1] if passing else None
