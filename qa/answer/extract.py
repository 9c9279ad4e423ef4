"""Find the shortest span of the retrieved text that answers the question.

Each sentence of the candidate passages is cut into clauses (at ，；： outside brackets and quotes) and
every run of up to `SpanScoring.max_clauses` consecutive clauses is scored (weights in `qa/config.py`):

    coverage of the question's terms (IDF-weighted, substring match, so 海淀 matches 海淀区)
  + a bonus when the span holds what the question type needs (a number, an enumeration)
  + a small prior for the passage's retrieval rank
  - a per-character cost, so the answer is the tightest span that still says it.

The winner is a verbatim piece of a report sentence; its passage becomes citation [1].
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import AbstractSet

from qa.answer.context import TermStatistics
from qa.answer.question import SUPERLATIVE_STATEMENT, QuestionType
from qa.config import SpanScoring
from qa.segment.tokenizer import Segmenter
from qa.text import FIGURE_POINTER, clauses, normal_form, split_sentences
from qa.types import Hit, Passage, PassageKind

PARTIAL_CREDIT = 0.5
#: Headings up to this length name a topic and are never answers; longer ones state a finding.
MIN_STATEMENT_HEADING = 16
_NUMBER = re.compile(r"\d")
_NARROWING = "其中"
_WORD_CHAR = re.compile(r"[\u4e00-\u9fff\w]")


@dataclass(frozen=True)
class Span:
    """A candidate answer: a verbatim piece of one passage, with its score."""

    hit: Hit
    rank: int
    text: str
    sentence: str
    score: float
    coverage: float


@dataclass(frozen=True)
class WeightedTerms:
    """The question's content terms with their IDF weights and the sub-words that earn partial credit."""

    weights: dict[str, float]
    parts: dict[str, list[str]]

    @property
    def total(self) -> float:
        return sum(self.weights.values()) or 1.0

    def credit(self, term: str, text_norm: str) -> float:
        if contains_term(text_norm, term):
            return 1.0
        return PARTIAL_CREDIT if any(p in text_norm for p in self.parts[term]) else 0.0

    def coverage(self, text_norm: str) -> float:
        return sum(w * self.credit(t, text_norm) for t, w in self.weights.items()) / self.total


def contains_term(text_norm: str, term: str) -> bool:
    """Substring match, except that Latin words and numbers must stand alone ("a" not in "prea", "1亿" not in "10亿")."""
    if not term[0].isascii() or not term[0].isalnum():
        return term in text_norm
    return re.search(rf"(?<![a-z0-9.]){re.escape(term)}(?![a-z0-9])", text_norm) is not None


def weigh_terms(question: str, segmenter: Segmenter, stats: TermStatistics) -> WeightedTerms:
    """IDF weight per question term; a term unknown to the corpus weighs as much as the rarest one."""
    terms = [normal_form(t) for t in segmenter.content_terms(question)]
    weights = {t: stats.idf(t) for t in terms if t}
    parts = {t: [p for p in segmenter.index_tokens(t) if len(p) >= 2 and p != t] for t in weights}
    return WeightedTerms(weights, parts)


def sentences(passage: Passage) -> list[str]:
    """Statement sentences of a passage: its body's sentences, and the opening headings long enough to state a
    finding ("3、构建公共平台和服务体系，完善行业生态体系"); short ones ("三、对策建议") only name a topic."""
    statements = [h for h in passage.headings if len(h) > MIN_STATEMENT_HEADING]
    for line in passage.body.split("\n"):
        statements.extend(split_sentences(line))
    return statements


@lru_cache(maxsize=65536)
def clause_words(segmenter: Segmenter, clause: str) -> frozenset[str]:
    """A clause's content words; cached because the same passages come back for related questions."""
    return frozenset(normal_form(w) for w in segmenter.content_terms(clause))


class _Scorer:
    """Scores clause runs; a clause's words are segmented once per question, not once per run."""

    def __init__(self, terms: WeightedTerms, qtype: QuestionType, segmenter: Segmenter, stats: TermStatistics,
                 weights: SpanScoring) -> None:
        self.weights = weights
        self.terms = terms
        self.qtype = qtype
        self.segmenter = segmenter
        self.stats = stats

    def off_topic(self, words: AbstractSet[str]) -> float:
        """IDF mass of the span's words that relate to no question term (numbers excepted: they are answers)."""
        extra = [w for w in words
                 if not _NUMBER.search(w) and not any(t in w or w in t for t in self.terms.weights)]
        return sum(self.stats.idf(w) for w in extra) / self.terms.total

    def novel_chars(self, norm: str) -> int:
        """Word characters of the span left once the question's own terms are taken out."""
        for term in self.terms.weights:
            norm = norm.replace(term, "")
        return len(_WORD_CHAR.findall(norm))

    def words(self, clause: str) -> frozenset[str]:
        return clause_words(self.segmenter, clause)

    def score(self, text: str, words: AbstractSet[str], rank: int) -> tuple[float, float]:
        w = self.weights
        norm = normal_form(text)
        coverage = self.terms.coverage(norm)
        score = coverage - w.length_cost * len(norm) + w.rank_prior / (rank + 1)
        if self.qtype.wants_number:
            # the answer is a number, so any other words the question did not ask about are noise
            score -= w.off_topic_cost * self.off_topic(words)
            if _NUMBER.search(norm):
                score += w.number_bonus
        else:
            # a fact or list answer must say something the question did not already say
            score += w.novelty_bonus * min(self.novel_chars(norm), w.novelty_chars) / w.novelty_chars
        if FIGURE_POINTER.search(norm):
            score -= w.pointer_cost
        if self.qtype.superlative and SUPERLATIVE_STATEMENT.search(norm):
            score += w.superlative_bonus
        if self.qtype.wants_list and text.count("、") >= 2:
            score += w.list_bonus
        return score, coverage


def _widen(parts: list[str], i: int, j: int, scores: dict[tuple[int, int], float],
           min_chars: int) -> tuple[int, int]:
    """Grow a too-short run by its better-scoring neighbour clause until it reads as a statement."""
    while len("".join(parts[i:j])) < min_chars and (i > 0 or j < len(parts)):
        left = scores.get((i - 1, j), float("-inf")) if i > 0 else float("-inf")
        right = scores.get((i, j + 1), float("-inf")) if j < len(parts) else float("-inf")
        if i > 0 and (left >= right or j >= len(parts)):
            i -= 1
        else:
            j += 1
    return i, j


def _with_narrowing(parts: list[str], i: int, j: int, terms: WeightedTerms) -> int:
    """Take in a following "其中…" clause that names an asked term the span lacks.

    Reports state a total and then narrow it ("全国…1259家，其中北京442家"); when the question asks about the
    narrower scope (北京), the narrowing clause is the answer and the total is its context.
    """
    span = normal_form("".join(parts[i:j]))
    while j < len(parts) and parts[j].startswith(_NARROWING):
        clause = normal_form(parts[j])
        if not any(t in clause and t not in span for t in terms.weights):
            break
        span += clause
        j += 1
    return j


def best_spans(hits: list[Hit], terms: WeightedTerms, qtype: QuestionType, segmenter: Segmenter,
               stats: TermStatistics, weights: SpanScoring) -> list[Span]:
    """The best clause run of every sentence of the hits, widened to a readable length, best first."""
    scorer = _Scorer(terms, qtype, segmenter, stats, weights)
    spans: list[Span] = []
    for rank, hit in enumerate(hits):
        if hit.passage.kind is not PassageKind.TEXT:
            continue
        for sentence in sentences(hit.passage):
            parts = clauses(sentence)
            words = [scorer.words(c) for c in parts]
            scored: dict[tuple[int, int], tuple[float, float]] = {}
            for i in range(len(parts)):
                for j in range(i + 1, len(parts) + 1):
                    scored[(i, j)] = scorer.score("".join(parts[i:j]), set().union(*words[i:j]), rank)
            allowed = {key: v for key, v in scored.items() if key[1] - key[0] <= weights.max_clauses}
            (i, j), (score, _) = max(allowed.items(), key=lambda kv: (kv[1][0], -kv[0][1]))
            j = _with_narrowing(parts, i, j, terms)
            i, j = _widen(parts, i, j, {key: v[0] for key, v in scored.items()}, weights.min_answer_chars)
            spans.append(Span(hit, rank, "".join(parts[i:j]), sentence, score, scored[(i, j)][1]))
    spans.sort(key=lambda s: (-s.score, s.rank, len(s.text)))
    return spans
