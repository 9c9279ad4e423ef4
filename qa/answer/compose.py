"""Turn retrieved passages into the final answer object: text with [n] markers, numbered citations.

Order of decisions: refuse when the question names something the corpus lacks → the row of a named table
entity → the rows holding a named cell value (list questions) → a section outline → the best sentence span,
or a refusal when even that barely matches.
Citations list the passages the answer uses first (in marker order), then the other retrieved passages.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from qa.answer.extract import Span, WeightedTerms, best_spans, weigh_terms
from qa.answer.question import classify
from qa.answer.structured import (find_outline, phrase_row, row_entity, rows_named_in, rows_with_value,
                                  table_label)
from qa.config import AnswerSettings
from qa.index.store import LoadedIndex
from qa.ingest.clean import search_normal_form
from qa.ingest.passages import Passage, SectionTree
from qa.ingest.structure import SECTION_SEPARATOR
from qa.retrieve.hybrid import Hit, Retrieval

NO_ANSWER = "抱歉，报告中没有找到能回答这个问题的内容。"
_END_PUNCT = "。！？!?；;，,：:"
_CLOSED_SENTENCE = re.compile(r"[。！？!?][”’」』）)]+$")
#: How much of the list announced by a "…：" sentence is quoted after it.
INTRODUCED_ITEMS_CHARS = 220


@dataclass(frozen=True)
class Citation:
    n: int
    id: str
    source: str
    section: str
    text: str
    score: float


@dataclass
class Answer:
    """The contract object of `qa ask --json` and `POST /api/ask`."""

    question: str
    answer: str
    answered: bool
    citations: list[Citation] = field(default_factory=list)
    latency_ms: float = 0.0

    def to_json(self) -> dict[str, object]:
        return asdict(self)


class _Citations:
    """Numbers passages in the order the answer first uses them."""

    def __init__(self, hits: list[Hit]) -> None:
        self.scores = {h.passage.id: h.score for h in hits}
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
        return [Citation(n=i + 1, id=p.id, source=p.source, section=p.section, text=p.text,
                         score=round(self.scores.get(p.id, 0.0), 6)) for i, p in enumerate(ordered)]


def _sentence_end(text: str) -> str:
    """A trimmed span ends with a full stop, not with the comma it was cut at (a closed quote stays as it is)."""
    text = text.strip()
    if _CLOSED_SENTENCE.search(text):
        return text
    return (text.rstrip(_END_PUNCT) or text) + "。"


def _with_introduced_items(span: Span, sections: SectionTree, cites: _Citations) -> str:
    """A span that ends by announcing a list ("可以采取：", "主要特点如下：") is followed by what it announces:
    the rest of its passage, or, when the list is a run of sub-sections ("一是…二是…"), their names, each cited."""
    text = _sentence_end(span.text)
    if not span.sentence.rstrip().endswith(("：", ":")):
        return text + cites.mark(span.hit.passage)
    passage = span.hit.passage
    following = passage.text[passage.text.find(span.sentence) + len(span.sentence):].strip()
    if following:
        items = following[:INTRODUCED_ITEMS_CHARS]
        cut = max(items.rfind(p) for p in "。；;")
        return f"{span.text.strip()}{items[:cut + 1] if cut > 0 else items}{cites.mark(passage)}"
    children = sections.get(tuple(passage.section.split(SECTION_SEPARATOR)), {})
    if not children:
        return text + cites.mark(passage)
    head = f"{span.text.strip()}{cites.mark(passage)}"
    return head + "；".join(f"{name}{cites.mark(p)}" for name, p in children.items()) + "。"


def absent_names(question: str, index: LoadedIndex) -> list[str]:
    """Names in the question (places, organisations, Latin words) that occur nowhere in the corpus."""
    return [n for n in index.segmenter.names(question) if not _in_corpus(n, index)]


def _in_corpus(term: str, index: LoadedIndex) -> bool:
    """A BM25 token, or (segmented differently) a substring of some cleaned document."""
    return index.lexical.has_term(term) or any(search_normal_form(term) in t for t in index.normal_texts)


def absent_share(terms: WeightedTerms, index: LoadedIndex) -> float:
    """Share of the question's term weight carried by terms that occur nowhere in the corpus."""
    absent = [t for t in terms.weights if not _in_corpus(t, index)]
    return sum(terms.weights[t] for t in absent) / terms.total


def _unsupported(terms: WeightedTerms, top: Span | None, index: LoadedIndex, settings: AnswerSettings) -> bool:
    """The best span barely matches and much of what is asked about is not in the report at all."""
    return top is None or (top.coverage < settings.min_term_coverage
                           and absent_share(terms, index) >= settings.max_absent_share)


def compose(question: str, retrieval: Retrieval, index: LoadedIndex, k: int, settings: AnswerSettings) -> Answer:
    """The answer to `question` from its retrieved passages (all `retrieval.hits` are candidates)."""
    hits = retrieval.hits
    terms: WeightedTerms = weigh_terms(question, index.segmenter, index.lexical)
    qtype = classify(question)
    cites = _Citations(hits)
    missing = absent_names(question, index)
    if missing:
        text = f"抱歉，报告中没有关于“{'、'.join(missing)}”的内容，无法回答。"
        return Answer(question, text, False, cites.listing(hits, k))

    rows = rows_named_in(question, hits)
    if rows:
        text = "\n".join(f"{phrase_row(p)}{cites.mark(p)}" for p in rows[:3])
        return Answer(question, text, True, cites.listing(hits, k))

    filtered = rows_with_value(question, index.table_rows) if qtype.wants_list else None
    if filtered is not None:
        column, value, matched = filtered
        names = "、".join(f"{row_entity(p)}{cites.mark(p)}" for p in matched)
        text = f"据{table_label(matched[0])}，{column}为“{value}”的共 {len(matched)} 项：{names}。"
        return Answer(question, text, True, cites.listing(hits, k))

    needed = settings.min_heading_coverage if qtype.wants_list else settings.min_heading_coverage_strict
    outline = find_outline(terms, index.sections, needed)
    if outline is not None:
        items = "；".join(f"{name}{cites.mark(p)}" for name, p in outline.children)
        text = f"“{outline.heading}”下共有 {len(outline.children)} 项：{items}。"
        return Answer(question, text, True, cites.listing(hits, k))

    spans = best_spans(hits, terms, qtype, index.segmenter, index.lexical, settings.span)
    top = spans[0] if spans else None
    if top is None or _unsupported(terms, top, index, settings):
        return Answer(question, NO_ANSWER, False, cites.listing(hits, k))
    text = _with_introduced_items(top, index.sections, cites)
    return Answer(question, text, True, cites.listing(hits, k))
