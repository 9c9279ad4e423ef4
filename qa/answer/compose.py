"""Turn retrieved passages into the final answer object: text with [n] markers, numbered citations.

Order of decisions: one step of arithmetic the question asks for (`between.py`: how many lie between two
thresholds; `arithmetic.py`: a difference, change, complement, sum or multiple of two stated figures, or which of
the two is more) → a question about the document
itself (`document.py`: what a figure or table shows, what a part is titled) → a table operation (`tables.py`: a named row's attribute,
earliest/largest, count, filter, comparison) → a section outline → the sentence the learned selector ranks first
(`features.py` + `models/selector.json`), if the learned answerability check (`answerable.py`) finds the question's
constraints supported near it and no near-miss check (`near_miss.py`) finds one the sentence answers in place of: then led by its short answer phrase for factoid questions (`short.py` +
`models/short.json`; for "哪个区…最多", the name the quoted figures make largest, `extreme.py`) and continued where
the answer runs on (`continuation.py`); else a refusal that names what the report lacks and, for a near miss, shows
that sentence as the nearest fact (not answered).
Citations list the passages the answer uses first (in marker order), then the other retrieved passages.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from qa.answer.arithmetic import FIGURE, compute
from qa.answer.candidates import Candidate, collect
from qa.answer.context import AnswerContext
from qa.answer.counting import counting_choice
from qa.answer.continuation import Quoted, continued, grounds
from qa.answer.answerable import Evidence, Judgement, decide, evidence_for, refused_whatever_verified, sentence_text
from qa.answer.document import answer_about_document
from qa.answer.extreme import largest_named
from qa.answer.enumeration import Item, announces, enumeration
from qa.answer.features import FEATURES, Question, analyse, feature_matrix
from qa.answer.focus import focused
from qa.answer.model import bundled_model
from qa.answer.near_miss import near_miss
from qa.answer.remedies import problem_choice
from qa.understand.constraints import NOT_DONE
from qa.understand.kind import Kind, listed_items
from qa.understand.question import Understood
from qa.answer.between import counted_between
from qa.answer.beside import read_beside
from qa.answer.reader import Reading, Window, read_candidate, window_of
from qa.answer.short import scored_phrase
from qa.answer.shown import shown_short
from qa.answer.structured import find_outline
from qa.answer.ranked import naming_choice, ranked_choice
from qa.answer.tables import answer_from_tables
from qa.config import AnswerSettings
from qa.retrieve.hybrid import Retrieval
from qa.segment.script import to_traditional
from qa.text import as_written, close_sentence, normal_form
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


def _quoted(candidate: Candidate, q: Question, context: AnswerContext, cites: _Citations,
            added: list[Quoted], ground: Quoted | None = None) -> str:
    """The chosen sentence with its marker, after the sentence it concludes from when that is the answer's ground
    (`grounds`), and the sentences the continuation model says belong to the answer ("五是…" followed by its
    reasons), each passage's marker after its last sentence. A heading asked about by a why/how/list question
    with nothing after it is followed by the names of its sub-sections, each cited."""
    passage = candidate.passage
    parts = [candidate.text.strip()]
    if ground is not None:
        parts.insert(0, ground.text.strip() + (cites.mark(ground.passage) if ground.passage is not passage else ""))
    for quoted in added:
        if quoted.passage is not passage:
            parts[-1] += cites.mark(passage)
            passage = quoted.passage
        parts.append(quoted.text.strip())
    introduces = announces(candidate.text) or (candidate.heading and q.qtype.kind in _CONTINUED)
    children = context.sections.get(passage.section, {}) if introduces and not added else {}
    if children:
        head = "".join(parts) + cites.mark(passage)
        return head + "；".join(f"{name}{cites.mark(p)}" for name, p in children.items()) + "。"
    parts[-1] = close_sentence(parts[-1]) + cites.mark(passage)
    return "".join(parts)


def _enumerated(items: list[Item], cites: _Citations) -> str:
    """An enumeration's sentences as one answer, each passage's marker after its last sentence; an item the writer
    left without closing punctuation ("一是底层技术…的差距") is closed by "；", the last by "。"."""
    parts = []
    for n, item in enumerate(items):
        text = item.text.strip()
        last = n + 1 == len(items)
        if last:
            text = close_sentence(text)
        elif not text.endswith(("。", "；", ";", "：", ":", "！", "？")):
            text += "；"
        if last or items[n + 1].passage is not item.passage:
            text += cites.mark(item.passage)
        parts.append(text)
    return "".join(parts)


#: A refusal shows the nearest sentence ("报告没有2023年的数据；最接近的内容是…") when its neighbourhood holds every
#: name the question asks about and at least this share of the question's term weight: the report has the topic,
#: only the named constraint is missing (a near miss); otherwise the sentence is another topic and is not shown.
NEAR_MISS_MIN_COVERED = 0.4
#: At most this many missing words are named in a refusal.
NAMED_MISSING = 2


def _nameable(terms: tuple[str, ...]) -> tuple[str, ...]:
    """The terms a refusal may name: a single character is no topic of its own — "报告中没有关于“写”的内容" (这报告是谁
    写的？) or "“拿”" (拿了多少钱) read as if the report never wrote or got anything, and "“C”" is the letter of "C轮";
    nor is jieba's one word for a verb not done ("上海的AI企业里，没拿过风投的…" lacks 上海, not "“没拿过”")."""
    return tuple(term for term in terms if len(term) > 1 and not re.match(NOT_DONE, term))


def _refusal(evidence: Evidence, quote: str, traditional: bool, question: str) -> str:
    """A refusal that says what the report lacks — a year, words it never uses, or words it never uses together,
    each written as the question wrote it ("GDP", not the folded "gdp") — and, for a near miss, shows the nearest
    fact it has (verbatim; only the assistant's own words follow the question's script)."""
    def named(term: str) -> str:
        return f"“{as_written(term, question)}”"

    absent, missing, present = (_nameable(terms) for terms in
                                (evidence.absent_terms, evidence.missing_terms, evidence.present_terms))
    if evidence.missing_years:
        lacks = f"报告没有{'、'.join(evidence.missing_years)}年的数据"
    elif absent:
        lacks = f"报告中没有关于{'、'.join(named(t) for t in absent[:NAMED_MISSING])}的内容"
    elif missing and present:
        lacks = f"报告中没有同时涉及{named(present[0])}和{named(missing[0])}的内容"
    else:
        return own_words(NO_ANSWER, traditional)
    if evidence.missing_names or evidence.covered < NEAR_MISS_MIN_COVERED:
        return own_words(f"抱歉，{lacks}，无法回答。", traditional)
    return own_words(f"{lacks}；最接近的内容是：", traditional) + quote


def _near_miss(swapped: str, quote: str, traditional: bool, question: str) -> str:
    """A question whose constraint the nearest sentence states another value in place of (`swaps.py`): what the
    report lacks, then that sentence as the nearest fact. A value the quote does write, as part of a wider group
    ("C轮及以后"), is one the report gives no figure of its own for."""
    value = as_written(swapped, question)
    lacks = f"报告没有单独给出“{value}”的数据" if normal_form(swapped) in normal_form(quote) else \
        f"报告中没有关于“{value}”的数据"
    return own_words(f"{lacks}；最接近的内容是：", traditional) + quote


def _listed(question: str, q: Question, context: AnswerContext) -> str | None:
    """The items a list question asks for (`listed_items`), when the question names nothing the corpus never
    writes: "上海AI产业存在哪些问题？" asks for 问题, but not the report's."""
    listed = listed_items(question) if q.qtype.wants_list else None
    if listed is None or not all(context.writes_any(name.forms) for name in q.constraints.names):
        return None
    return listed


def own_words(message: str, traditional: bool) -> str:
    """The assistant's own wording in the question's script (never a quote: quotes stay verbatim)."""
    return to_traditional(message) if traditional else message


def own_words_around_figures(message: str, traditional: bool) -> str:
    """A computed answer in the question's script — its words, and the sides named as the question names them ("單次
    融資超過1億元") — but the figures its calculation reads (after "：") as the report writes them: a key is never
    rewritten."""
    if not traditional:
        return message
    calculated = {figure.group() for figure in FIGURE.finditer(message.partition("：")[2])}
    parts, at = [], 0
    for figure in FIGURE.finditer(message):
        if figure.group() in calculated:
            parts += [to_traditional(message[at:figure.start()]), figure.group()]
            at = figure.end()
    return "".join(parts) + to_traditional(message[at:])


def compose(understood: Understood, found: Retrieval, context: AnswerContext, k: int,
            settings: AnswerSettings) -> Answer:
    """The answer to the understood question from its retrieved passages (every hit is a candidate; `k` are
    cited); a question asked in Traditional script gets refusals written in it."""
    hits = found.hits
    question, traditional = understood.searched, understood.traditional
    q = analyse(understood, found.query_vector, context)
    cites = _Citations(hits, context.titles)
    statements = collect(hits, context)

    def reply(text: str, answered: bool, short: str | None = None) -> Answer:
        """The answer object: the question as understood (and as typed, when a follow-up was rewritten), the
        first `k` hits cited."""
        return Answer(understood.asked_as, text, answered, cites.listing(hits, k), short_answer=short,
                      typed=understood.typed if understood.rewritten else None)

    between = counted_between(question, statements, cites)
    if between is not None:
        return reply(between.text, True, between.short)
    computed = compute(question, q, statements, cites, context.writes_any, context.segmenter.alias_forms)
    if computed is not None:
        text = own_words_around_figures(computed.text, traditional) if computed.answered else \
            own_words(computed.text, traditional)
        return reply(text, computed.answered, computed.short)
    about = answer_about_document(question, context, cites, hits[0].passage.source if hits else None, traditional)
    if about is not None:
        return reply(about.text, True)
    table = answer_from_tables(question, q, hits, context, cites, traditional)
    if table is not None:
        return reply(table.text, table.answered, table.short)

    wanted = settings.min_heading_coverage if q.qtype.wants_list else settings.min_heading_coverage_strict
    outline = find_outline(q.terms, context.sections, wanted, _listed(question, q, context))
    if outline is not None:
        items = "；".join(f"{name}{cites.mark(p)}" for name, p in outline.children)
        text = f"“{outline.heading}”" + own_words(f"下共有 {len(outline.children)} 项：", traditional) + f"{items}。"
        return reply(text, True)

    candidates = focused(q, statements, context.segmenter)
    if not candidates or not q.terms.weights:  # a question of fillers alone ("啊啊啊") asks about nothing
        return reply(own_words(NO_ANSWER, traditional), False)
    scores = bundled_model("selector", FEATURES).probabilities(feature_matrix(q, candidates, context))
    with_subject = lru_cache(maxsize=None)(lambda i: sentence_text(candidates[i], context))
    chosen = counting_choice(question, q.terms, [c.text for c in candidates], with_subject, scores,
                             ranked_choice(q, candidates, scores, int(np.argmax(scores)), context.titles))
    chosen = problem_choice(q.norm, q.terms, with_subject, scores, chosen)

    def judged(i: int) -> tuple[Judgement, tuple[Window, Reading] | None]:
        """The judgement of candidate i, with the reader's window and reading — none when it is refused whatever
        the verifier says (the reader is not run)."""
        evidence = evidence_for(q, i, candidates, scores, context, verified=0.0)
        refused = refused_whatever_verified(evidence)
        if refused is not None:
            return refused, None
        read = read_candidate(understood.read_as, candidates[i], context)
        return decide(evidence.verified_as(read[1].answers)), read

    judgement, read = judged(chosen)
    other = None if judgement.answerable else naming_choice(q, candidates, scores, chosen,
                                                             judgement.evidence.missing_names, context.segmenter)
    if other is not None:  # refused for a place the sentence lacks: the best one naming it is judged in turn
        tried, tried_read = judged(other)
        if tried.answerable:
            chosen, judgement, read = other, tried, tried_read
    best = candidates[chosen]
    if read is None:
        quote = _quoted(best, q, context, cites, [])
        return reply(_refusal(judgement.evidence, quote, traditional, question), False)
    window, reading = read
    around = window_of(best, context).text  # the whole window: the reader's may be cut to its budget
    swap = near_miss(question, q, best, around, reading.answers, context) if judgement.answerable else None
    answering = judgement.answerable and swap is None
    how = q.qtype.kind is Kind.HOW
    items = enumeration(best, context, q.terms, how) if answering and (q.qtype.wants_list or how) else None
    if items is not None:  # one item of a numbered list (or a sentence of its details): the whole list
        return reply(_enumerated(items, cites), True)
    added = continued(q, best, context) if answering else []
    ground = grounds(q, best, context) if answering else None
    runs_on = bool(added or ground)
    beside = read_beside(best, reading, window, context)  # the reader found the answer in the sentence beside
    if answering:
        ground = ground or beside.before
        added = added or ([beside.after] if beside.after is not None else [])
    quote = _quoted(best, q, context, cites, added, ground)
    if swap is not None:
        return reply(_near_miss(swap, quote, traditional, question), False)
    if not judgement.answerable:
        return reply(_refusal(judgement.evidence, quote, traditional, question), False)
    # the name the quoted figures make largest is computed, not a phrase; an answer that runs on past its first
    # sentence is not one phrase of it
    quoted_texts = [part.text for part in (ground, best, *added) if part is not None]
    short = largest_named(question, quoted_texts, context.segmenter) or (
        None if runs_on else shown_short(q, scored_phrase(q, best, context), reading, window,
                                         judgement.probability, context.segmenter, beside.quoted))
    text = f"{short}。{quote}" if short and len(short) <= SHORT_LEAD_SHARE * len(best.text) else quote
    return reply(text, True, short)
