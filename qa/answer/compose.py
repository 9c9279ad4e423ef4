"""Turn retrieved passages into the final answer object: text with [n] markers, numbered citations.

Order of decisions: refuse when the question names something the corpus lacks → the row of a named table
entity → the rows holding a named cell value (list questions) → a section outline → the best sentence span,
or a refusal when even that barely matches.
Citations list the passages the answer uses first (in marker order), then the other retrieved passages.
"""

from __future__ import annotations

from qa.answer.context import AnswerContext, SectionTree
from qa.answer.extract import Span, WeightedTerms, best_spans, weigh_terms
from qa.answer.question import classify
from qa.answer.structured import find_outline, phrase_row, rows_named_in, rows_with_value, table_label
from qa.config import AnswerSettings
from qa.ingest.table import row_entity
from qa.text import close_sentence
from qa.types import Answer, Citation, Hit, Passage, section_label

NO_ANSWER = "抱歉，报告中没有找到能回答这个问题的内容。"
#: How much of the list announced by a "…：" sentence is quoted after it.
INTRODUCED_ITEMS_CHARS = 220


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


def _with_introduced_items(span: Span, sections: SectionTree, cites: _Citations) -> str:
    """A span that ends by announcing a list ("可以采取：", "主要特点如下：") is followed by what it announces:
    the rest of its passage, or, when the list is a run of sub-sections ("一是…二是…"), their names, each cited."""
    text = close_sentence(span.text)
    if not span.sentence.rstrip().endswith(("：", ":")):
        return text + cites.mark(span.hit.passage)
    passage = span.hit.passage
    following = passage.text[passage.text.find(span.sentence) + len(span.sentence):].strip()
    if following:
        items = following[:INTRODUCED_ITEMS_CHARS]
        cut = max(items.rfind(p) for p in "。；;")
        return f"{span.text.strip()}{items[:cut + 1] if cut > 0 else items}{cites.mark(passage)}"
    children = sections.get(passage.section, {})
    if not children:
        return text + cites.mark(passage)
    head = f"{span.text.strip()}{cites.mark(passage)}"
    return head + "；".join(f"{name}{cites.mark(p)}" for name, p in children.items()) + "。"


def absent_names(question: str, context: AnswerContext) -> list[str]:
    """Names in the question (places, organisations, Latin words) that occur nowhere in the corpus."""
    return [n for n in context.segmenter.names(question) if not context.in_corpus(n)]


def absent_share(terms: WeightedTerms, context: AnswerContext) -> float:
    """Share of the question's term weight carried by terms that occur nowhere in the corpus."""
    absent = [t for t in terms.weights if not context.in_corpus(t)]
    return sum(terms.weights[t] for t in absent) / terms.total


def _unsupported(terms: WeightedTerms, top: Span | None, context: AnswerContext, settings: AnswerSettings) -> bool:
    """The best span barely matches and much of what is asked about is not in the report at all."""
    return top is None or (top.coverage < settings.min_term_coverage
                           and absent_share(terms, context) >= settings.max_absent_share)


def compose(question: str, hits: list[Hit], context: AnswerContext, k: int, settings: AnswerSettings) -> Answer:
    """The answer to `question` from its retrieved passages (every hit is a candidate; `k` are cited)."""
    terms: WeightedTerms = weigh_terms(question, context.segmenter, context.terms)
    qtype = classify(question)
    cites = _Citations(hits, context.titles)
    missing = absent_names(question, context)
    if missing:
        text = f"抱歉，报告中没有关于“{'、'.join(missing)}”的内容，无法回答。"
        return Answer(question, text, False, cites.listing(hits, k))

    rows = rows_named_in(question, hits)
    if rows:
        text = "\n".join(f"{phrase_row(p)}{cites.mark(p)}" for p in rows[:3])
        return Answer(question, text, True, cites.listing(hits, k))

    filtered = rows_with_value(question, context.table_rows) if qtype.wants_list else None
    if filtered is not None:
        column, value, matched = filtered
        names = "、".join(f"{row_entity(p.cells)}{cites.mark(p)}" for p in matched)
        text = f"据{table_label(matched[0])}，{column}为“{value}”的共 {len(matched)} 项：{names}。"
        return Answer(question, text, True, cites.listing(hits, k))

    needed = settings.min_heading_coverage if qtype.wants_list else settings.min_heading_coverage_strict
    outline = find_outline(terms, context.sections, needed)
    if outline is not None:
        items = "；".join(f"{name}{cites.mark(p)}" for name, p in outline.children)
        text = f"“{outline.heading}”下共有 {len(outline.children)} 项：{items}。"
        return Answer(question, text, True, cites.listing(hits, k))

    spans = best_spans(hits, terms, qtype, context.segmenter, context.terms, settings.span)
    top = spans[0] if spans else None
    if top is None or _unsupported(terms, top, context, settings):
        return Answer(question, NO_ANSWER, False, cites.listing(hits, k))
    text = _with_introduced_items(top, context.sections, cites)
    return Answer(question, text, True, cites.listing(hits, k))
