"""Turn retrieved passages into the final answer object: text with [n] markers, numbered citations.

Order of decisions: refuse when the question names something the corpus lacks → a table operation (`tables.py`:
a named row's attribute, earliest/largest, count, filter, comparison) → a section outline → the sentence the learned
selector ranks first (`features.py` + `models/selector.json`), led by its short answer phrase for factoid
questions (`short.py` + `models/short.json`), or a refusal when even that sentence barely matches, or — when
the question asks about a year the report never mentions — that sentence shown as the nearest fact, not answered.
Citations list the passages the answer uses first (in marker order), then the other retrieved passages.
"""

from __future__ import annotations

import re

import numpy as np

from qa.answer.candidates import Candidate, collect
from qa.answer.context import AnswerContext
from qa.answer.continuation import Quoted, continued
from qa.answer.features import FEATURES, Question, WeightedTerms, analyse, feature_matrix
from qa.answer.focus import focused
from qa.answer.model import bundled_model
from qa.answer.question import Kind
from qa.answer.short import short_phrase
from qa.answer.structured import find_outline
from qa.answer.tables import answer_from_tables
from qa.config import AnswerSettings
from qa.retrieve.hybrid import Retrieval
from qa.text import close_sentence, normal_form
from qa.types import Answer, Citation, Hit, Passage, section_label

NO_ANSWER = "抱歉，报告中没有找到能回答这个问题的内容。"
#: The short answer leads the quote ("2016年3月。寒武纪成立于…") only while it is at most this share of the
#: sentence; a longer one (a whole clause) would only repeat what the quote says right after it.
SHORT_LEAD_SHARE = 0.5


class _Citations:
    """Numbers passages in the order the answer first uses them."""

    def __init__(self, hits: list[Hit], titles: dict[str, str]) -> None:
        self.scores = {h.passage.id: h.score for h in hits}
        self.titles = titles
        self.used: list[Passage] = []

    def mark(self, passage: Passage) -> str:
        if passage not in self.used:
            self.used.append(passage)
        return f"[{self.used.index(passage) + 1}]"

    def listing(self, hits: list[Hit], k: int) -> list[Citation]:
        ordered = list(self.used)
        for h in hits:
            if len(ordered) >= max(k, len(self.used)):
                break
            if h.passage not in ordered:
                ordered.append(h.passage)
        return [Citation(n=i + 1, id=p.id, source=p.source, section=section_label(p.section), text=p.text,
                         score=round(self.scores.get(p.id, 0.0), 6), page=p.page,
                         title=self.titles.get(p.source, "")) for i, p in enumerate(ordered)]


#: Kinds whose answer is what follows a heading: its sub-sections when it has no text of its own (as for a sentence
#: announcing what follows, "主要特点如下：").
_CONTINUED = (Kind.WHY, Kind.HOW, Kind.LIST)


def _quoted(candidate: Candidate, q: Question, context: AnswerContext, cites: Citations,
            added: list[Quoted]) -> str:
    """The chosen sentence with its marker, and the sentences the continuation model says belong to the answer
    ("五是…" followed by its reasons), each passage's marker after its last sentence. A heading asked about by a
    why/how/list question with nothing after it is followed by the names of its sub-sections, each cited."""
    passage = candidate.passage
    parts = [candidate.text.strip()]
    for quoted in added:
        if quoted.passage is not passage:
            parts[-1] += cites.mark(passage)
            passage = quoted.passage
        parts.append(quoted.text.strip())
    announces = candidate.text.rstrip().endswith(("：", ":"))
    introduces = announces or (candidate.heading and q.qtype.kind in _CONTINUED)
    children = context.sections.get(passage.section, {}) if introduces and not added else {}
    if children:
        head = "".join(parts) + cites.mark(passage)
        return head + "；".join(f"{name}{cites.mark(p)}" for name, p in children.items()) + "。"
    parts[-1] = close_sentence(parts[-1]) + cites.mark(passage)
    return "".join(parts)


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?(?!\d)")


def absent_years(question: str, context: AnswerContext) -> list[str]:
    """Years the question asks about that the corpus never mentions: whatever sentence is found, it is about
    another year, so it is shown as the nearest fact, not given as the answer."""
    return [y for y in dict.fromkeys(_YEAR.findall(question)) if not context.in_corpus(y)]


def absent_names(question: str, context: AnswerContext) -> list[str]:
    """Names in the question (places, organisations, Latin names) that occur nowhere in the corpus. A Latin word
    written in lower case inside a Chinese question ("哪个 startup") is an ordinary English word, not a name: it
    does not match the Chinese text, but it is no sign that the report lacks what is asked."""
    return [n for n in context.segmenter.names(question)
            if not context.in_corpus(n) and not (n.isascii() and n.isalpha() and n in question)]


def absent_share(terms: WeightedTerms, context: AnswerContext) -> float:
    """Share of the question's term weight carried by terms that occur nowhere in the corpus."""
    absent = [t for t in terms.weights if not context.in_corpus(t)]
    return sum(terms.weights[t] for t in absent) / terms.total


def _unsupported(terms: WeightedTerms, coverage: float, context: AnswerContext, settings: AnswerSettings) -> bool:
    """The best sentence barely matches and much of what is asked about is not in the report at all."""
    return coverage < settings.min_term_coverage and absent_share(terms, context) >= settings.max_absent_share


def compose(question: str, found: Retrieval, context: AnswerContext, k: int, settings: AnswerSettings) -> Answer:
    """The answer to `question` from its retrieved passages (every hit is a candidate; `k` are cited)."""
    hits = found.hits
    q = analyse(question, found.query_vector, context)
    terms, qtype = q.terms, q.qtype
    cites = _Citations(hits, context.titles)
    missing = absent_names(question, context)
    if missing:
        text = f"抱歉，报告中没有关于“{'、'.join(missing)}”的内容，无法回答。"
        return Answer(question, text, False, cites.listing(hits, k))

    table = answer_from_tables(question, q, hits, context, cites)
    if table is not None:
        return Answer(question, table.text, True, cites.listing(hits, k), short_answer=table.short)

    needed = settings.min_heading_coverage if qtype.wants_list else settings.min_heading_coverage_strict
    outline = find_outline(terms, context.sections, needed)
    if outline is not None:
        items = "；".join(f"{name}{cites.mark(p)}" for name, p in outline.children)
        text = f"“{outline.heading}”下共有 {len(outline.children)} 项：{items}。"
        return Answer(question, text, True, cites.listing(hits, k))

    candidates = focused(q, collect(hits, context), context.segmenter)
    if not candidates:
        return Answer(question, NO_ANSWER, False, cites.listing(hits, k))
    scores = bundled_model("selector", FEATURES).probabilities(feature_matrix(q, candidates, context))
    best = candidates[int(np.argmax(scores))]
    if _unsupported(terms, terms.coverage(normal_form(best.text)), context, settings):
        return Answer(question, NO_ANSWER, False, cites.listing(hits, k))
    added = continued(q, best, context)
    quote = _quoted(best, q, context, cites, added)
    years = absent_years(question, context)
    if years:
        text = f"报告没有{'、'.join(years)}年的数据；最接近的内容是：{quote}"
        return Answer(question, text, False, cites.listing(hits, k))
    # an answer that runs on past its first sentence is not one phrase of it
    short = None if added else short_phrase(q, best, context)
    text = f"{short}。{quote}" if short and len(short) <= SHORT_LEAD_SHARE * len(best.text) else quote
    return Answer(question, text, True, cites.listing(hits, k), short_answer=short)
