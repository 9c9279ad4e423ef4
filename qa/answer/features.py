"""Features of a candidate sentence that transfer across documents, for the learned selector (`model.py`).

Every feature is a property of (question, sentence, its neighbours, its passage's retrieval rank) — none names a
word of one report. Values are plain floats; the model standardises them with statistics stored beside its
coefficients. `FEATURES` is the column order both training (`scripts/train_answerer.py`) and inference use.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Callable

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from qa.answer.answer_types import span_holds
from qa.answer.candidates import Candidate
from qa.answer.context import AnswerContext, TermStatistics
from qa.understand.constraints import Constraints, without_approximations, without_requests
from qa.understand.kind import WH_WORDS, Kind, QuestionType, asks
from qa.understand.question import Understood
from qa.segment.tokenizer import DEMONSTRATIVES, HAS_WORD_CHAR, Segmenter
from qa.text import CLAUSE_BREAK, FIGURE_POINTER, SENTENCE_END, is_cjk, normal_form

PARTIAL_CREDIT = 0.5
_WHY_CUE = re.compile(r"因为|由于|原因|所以|因此|导致|为了|以便|因而|使得|造成|在于")
_HOW_CUE = re.compile(r"通过|采用|利用|借助|方法|方式|步骤|首先|然后|可以|应当|需要")
_COREF = re.compile(r"^(?:其|该|本|此|他|她|它|这|这些|该项|它们|他们)")

#: Properties of the whole sentence.
SENTENCE_FEATURES: tuple[str, ...] = (
    "coverage", "coverage_partial", "bigram", "dense", "dense_gap", "coverage_gap", "bigram_gap", "rank_recip",
    "neighbour", "before_coverage", "after_coverage", "log_length", "document_start", "heading", "novel",
    "subject_named", "subject_coref", "figure_pointer", "why_cue", "how_cue", "list_enumeration", "superlative",
    "number_match", "time_match", "person_match", "place_match", "org_match", "number_missing",
)
#: Properties of the sentence's focus: the clause the locator (`focus.py`) finds the answer most likely in.
FOCUS_FEATURES: tuple[str, ...] = (
    "focus_score", "focus_coverage", "focus_novel", "focus_share",
    "focus_number_match", "focus_time_match", "focus_person_match", "focus_place_match", "focus_org_match",
    "focus_number_missing",
)
#: The same question read against the sentence once the document's subject is taken as said: every sentence of
#: an article is about its title ("本鱼体呈银灰色" answers "蓝线裸顶鲷是什么颜色"), so question terms the title holds
#: are credited to all of its sentences and the remaining terms decide ("rest"); plus character alignment of the
#: question's remaining text with the sentence (rapidfuzz), and how the sentence ranks inside its document.
SUBJECT_FEATURES: tuple[str, ...] = (
    "title_share", "rest_coverage", "rest_partial", "rest_bigram", "rest_before", "rest_after", "aligned_chars",
    "partial_ratio", "rest_gap", "rest_partial_gap", "rest_bigram_gap", "aligned_gap", "rest_doc_gap",
    "rest_rank_in_doc", "doc_best_rest", "doc_rank_recip",
)
FEATURES: tuple[str, ...] = SENTENCE_FEATURES + FOCUS_FEATURES + SUBJECT_FEATURES


@dataclass(frozen=True)
class WeightedTerms:
    """The question's content terms with their IDF weights, the sub-words that earn partial credit, and the other
    forms that count as the term itself (the Chinese a report writes for an English alias: "ai" → 人工智能)."""

    weights: dict[str, float]
    parts: dict[str, list[str]]
    forms: dict[str, tuple[str, ...]]
    #: coverage already computed for a (text, partial) pair: the features ask for the same sentences many times
    _memo: dict[tuple[str, bool], float] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def total(self) -> float:
        return sum(self.weights.values()) or 1.0

    @cached_property
    def _chars(self) -> frozenset[str]:
        """The first characters of every term, form and part: a text holding none of them holds no term."""
        return frozenset(s[0] for t in self.weights for s in (t, *self.forms[t], *self.parts[t]) if s)

    def found(self, text_norm: str, term: str) -> bool:
        """The term, or one of its forms, occurs in the text."""
        return contains_term(text_norm, term) or any(f in text_norm for f in self.forms.get(term, ()))

    def coverage(self, text_norm: str, partial: bool = True) -> float:
        """IDF-weighted share of the question's terms found in the text (sub-words count half)."""
        key = (text_norm, partial)
        if key not in self._memo:
            got = 0.0
            if not self._chars.isdisjoint(text_norm):
                for term, weight in self.weights.items():
                    if self.found(text_norm, term):
                        got += weight
                    elif partial and any(p in text_norm for p in self.parts[term]):
                        got += PARTIAL_CREDIT * weight
            self._memo[key] = got / self.total
        return self._memo[key]

    def without(self, text_norm: str) -> "WeightedTerms":
        """The terms that `text_norm` (a document title) does not contain."""
        kept = {t: w for t, w in self.weights.items() if not self.found(text_norm, t)}
        return WeightedTerms(kept, {t: self.parts[t] for t in kept}, {t: self.forms[t] for t in kept})


def contains_term(text_norm: str, term: str) -> bool:
    """Substring match, except that Latin words and numbers must stand alone ("a" not in "prea", "1亿" not in "10亿")."""
    if not term[0].isascii() or not term[0].isalnum():
        return term in text_norm
    return term in text_norm and _standalone(term).search(text_norm) is not None


@lru_cache(maxsize=4096)
def _standalone(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9.]){re.escape(term)}(?![a-z0-9])")


def question_terms(question: str, segmenter: Segmenter,
                   in_corpus: Callable[[str], bool]) -> tuple[list[str], frozenset[str]]:
    """The question's content words in normal form, without question words ("多少", "哪几条", "什么"), chatty
    fillers ("到底", "来着"), one-character function words ("跟", "着"), pointing phrases ("那笔", "这家"),
    numbers it only guesses at ("1000多家") and requests of how to show the answer ("帮我列一下"): the text answers
    the first and need not repeat the others.
    One-character words the corpus writes together are one word (`_joined_runs`); the second value holds those
    joined words."""
    pieces = _unglued(segmenter, [[normal_form(w) for w in segmenter.words(piece)]
                                  for piece in _PAUSE.split(without_approximations(without_requests(question)))
                                  if piece], in_corpus)
    pieces = [_without_pointing(segmenter, piece) for piece in pieces]
    words, joined = _joined_runs(pieces, segmenter, in_corpus)
    terms = list(dict.fromkeys(t for t in words
                               if t and t not in segmenter.stopwords and not asks(t) and not segmenter.is_filler(t)
                               and not segmenter.is_function_word(t) and not segmenter.is_deictic(t)))
    return terms, joined


def _unglued(segmenter: Segmenter, pieces: list[list[str]], in_corpus: Callable[[str], bool]) -> list[list[str]]:
    """The pieces' words, with each one jieba's HMM glued out of a leading function character and what follows ("跟国外比差在
    哪" → 比差, "帮我查一下" → 我查) cut back into its characters: no dictionary or corpus word, it weighed as a rare
    term the report lacks. Only such a leading character: a name the HMM made ("依图") stays whole, and so does a verb
    with its particle ("融了", whose 融 alone the report writes in every 融资) and a chat word with written forms
    ("大牛" → 人才)."""
    looked_up = 0  # corpus searches per question, bounded as `_joined_runs` bounds its own

    def cut(w: str) -> list[str]:
        nonlocal looked_up
        if (len(w) < 2 or not all(is_cjk(ch) for ch in w) or segmenter.in_dictionary(w)
                or segmenter.in_vocabulary(w) or segmenter.alias_forms(w) or looked_up >= MAX_TERMS
                or not (w[0] in segmenter.stopwords or segmenter.is_function_word(w[0]))):
            return [w]
        looked_up += 1
        return [w] if in_corpus(w) else list(w)

    return [[part for w in piece for part in cut(w)] for piece in pieces]


#: Words a measure word after them belongs to: the demonstratives and 哪.
_POINTING = DEMONSTRATIVES | {"哪"}


#: Numerals a measure word after 这/那/哪 may carry ("这两笔", "那三家", "哪一类").
_SMALL_NUMERALS = frozenset("一两二三四五六七八九十几")


def _without_pointing(segmenter: Segmenter, words: list[str]) -> list[str]:
    """The words without a measure word that follows 这/那/哪, alone or after a numeral ("超10亿那张名单上": 张 points
    at 名单; "青云和第四范式这两笔": 两笔 points at the two rows named; "最稀缺的是哪一类人才": 一类 is part of the question
    word) — neither is a term."""
    return [w for i, w in enumerate(words)
            if not (i and words[i - 1] in _POINTING and (segmenter.is_measure_word(w) or (
                len(w) == 2 and w[0] in _SMALL_NUMERALS and segmenter.is_measure_word(w[1]))))]


#: Punctuation and spaces: a run of characters never continues across them.
_PAUSE = re.compile(rf"[{SENTENCE_END}{CLAUSE_BREAK}、\s]+")
#: Runs of at most this many one-character words are tried as one word.
MAX_JOINED_CHARS = 4


def _joined_runs(pieces: list[list[str]], segmenter: Segmenter,
                 in_corpus: Callable[[str], bool]) -> tuple[list[str], frozenset[str]]:
    """The words of the question's pieces (between punctuation), each run of 2–`MAX_JOINED_CHARS` one-character
    Chinese words (stopwords end a run) joined into one when the corpus writes them together; and the joined ones.
    Why: jieba cuts a word its dictionary lacks into characters — "的获投AI企业" gives 获/投, "占比是" gives 占/比, a
    name such as 苻坚 falls apart — and each character then weighs as a rare term of its own, misleads the selector
    and is named in refusals ("没有涉及“投”"). At most `MAX_TERMS` runs are looked up, so a question of random
    characters costs a bounded number of corpus searches."""
    out: list[str] = []
    joined: set[str] = set()
    looked_up = 0
    for piece in pieces:
        run: list[str] = []
        for word in [*piece, ""]:  # "" closes the last run
            if len(word) == 1 and is_cjk(word) and word not in segmenter.stopwords:
                run.append(word)
                continue
            together = "".join(run)
            if 2 <= len(run) <= MAX_JOINED_CHARS and looked_up < MAX_TERMS:
                looked_up += 1
                if in_corpus(together):
                    run = [together]
                    joined.add(together)
            out.extend(run)
            out.append(word)
            run = []
    return out, frozenset(joined)


def term_idf(term: str, segmenter: Segmenter, stats: TermStatistics) -> float:
    """The corpus IDF of a term it has; for one it lacks, the IDF its frequency in Chinese at large predicts
    (`LexicalIndex.expected_idf`)."""
    return stats.idf(term) if stats.has_term(term) else stats.expected_idf(segmenter.token_share(term))


#: The heaviest this many terms of a question are used: real questions have at most 15 (1,610 CMRC trial and report
#: questions: p99 11), so the answer layer's work stays bounded for a 500-character question of random words.
MAX_TERMS = 16


def weigh_terms(question: str, segmenter: Segmenter, stats: TermStatistics,
                in_corpus: Callable[[str], bool]) -> WeightedTerms:
    """Weight per question term (`question_terms`; `in_corpus`: whether the corpus holds a string): its IDF
    (`term_idf`; an alias weighs as its most common form), the sub-words that earn partial credit and the alias
    forms."""
    terms, joined = question_terms(question, segmenter, in_corpus)
    forms = {t: tuple(normal_form(f) for f in segmenter.alias_forms(t)) for t in terms}
    weights = {t: min(term_idf(f, segmenter, stats) for f in (t, *forms[t])) for t in terms}
    for t in joined & weights.keys():  # no index token: at least as rare as its rarest character
        if not stats.has_term(t):
            weights[t] = max(term_idf(ch, segmenter, stats) for ch in t)
    weights = dict(sorted(weights.items(), key=lambda tw: -tw[1])[:MAX_TERMS])
    parts = {t: [p for p in segmenter.index_tokens(t) if len(p) >= 2 and p != t and p not in forms[t]]
             for t in weights}
    return WeightedTerms(weights, parts, forms)


@lru_cache(maxsize=1 << 16)
def bigrams(text_norm: str) -> frozenset[str]:
    """Character bigrams of the word characters: they match names jieba cuts differently in two texts."""
    chars = "".join(HAS_WORD_CHAR.findall(text_norm))
    return frozenset(chars[i:i + 2] for i in range(len(chars) - 1))


@dataclass(frozen=True)
class Question:
    """Everything about the question the features need, computed once per question."""

    text: str
    norm: str
    qtype: QuestionType
    terms: WeightedTerms
    bigrams: frozenset[str]
    vector: np.ndarray
    chars: frozenset[str]
    constraints: Constraints


def analyse(understood: Understood, vector: np.ndarray, context: AnswerContext) -> Question:
    """Everything the features need about the understood question (its searched form), computed once."""
    question = understood.searched
    asked = WH_WORDS.sub(" ", normal_form(question))
    return Question(question, normal_form(question), understood.qtype,
                    weigh_terms(question, context.segmenter, context.terms, context.in_corpus), bigrams(asked),
                    np.asarray(vector, dtype=np.float32), frozenset(HAS_WORD_CHAR.findall(asked)),
                    understood.constraints)


def novelty(norm: str, q: Question) -> float:
    """Share of the text's word characters the question does not contain."""
    return _novelty(norm, q.chars)


@lru_cache(maxsize=1 << 16)
def _novelty(norm: str, chars: frozenset[str]) -> float:
    words = HAS_WORD_CHAR.findall(norm)
    return sum(1 for ch in words if ch not in chars) / (len(words) or 1)


def _row(q: Question, c: Candidate, context: AnswerContext) -> dict[str, float]:
    """Features of one candidate other than the similarities and gaps `feature_matrix` computes for all at once."""
    norm, focus = normal_form(c.text), normal_form(c.focus)
    kind = q.qtype.kind
    title = normal_form(context.titles.get(c.passage.source, ""))
    subject_in_question = bool(title) and len(title) >= 2 and title in q.norm
    before, after = c.before(context), c.after(context)
    held = span_holds(context.segmenter, c.text)
    focus_held = span_holds(context.segmenter, c.text, c.start, len(c.text) if c.end is None else c.end)
    return {
        "rank_recip": 1.0 / (c.rank + 1), "neighbour": float(c.neighbour),
        "before_coverage": q.terms.coverage(normal_form(before)) if before else 0.0,
        "after_coverage": q.terms.coverage(normal_form(after)) if after else 0.0,
        "log_length": math.log1p(len(norm)),
        "document_start": float(c.index == 0 and context.neighbour(c.passage, -1) is None),
        "heading": float(c.heading), "novel": novelty(norm, q),
        "subject_named": float(subject_in_question and title in norm),
        "subject_coref": float(subject_in_question and bool(_COREF.match(c.text.strip()))),
        "figure_pointer": float(bool(FIGURE_POINTER.search(norm))),
        "why_cue": float(kind is Kind.WHY and bool(_WHY_CUE.search(norm))),
        "how_cue": float(kind is Kind.HOW and bool(_HOW_CUE.search(norm))),
        "list_enumeration": float(kind is Kind.LIST and norm.count("、") >= 2),
        "superlative": float(q.qtype.superlative and "最" in norm),
        **dict(zip(("number_match", "time_match", "person_match", "place_match", "org_match"), held.matches(kind))),
        "number_missing": float(q.qtype.wants_number and not held.number),
        "focus_score": c.focus_score, "focus_coverage": q.terms.coverage(focus), "focus_novel": novelty(focus, q),
        "focus_share": len(focus) / (len(c.text) or 1),
        **dict(zip(("focus_number_match", "focus_time_match", "focus_person_match", "focus_place_match",
                    "focus_org_match"), focus_held.matches(kind))),
        "focus_number_missing": float(q.qtype.wants_number and not focus_held.number),
    }


_NON_WORD = re.compile(r"[^\u4e00-\u9fff0-9a-z]+")


def _bare(text_norm: str) -> str:
    """Only the word characters (CJK, digits, Latin) of a normal-form text: what alignment compares."""
    return _NON_WORD.sub("", text_norm)


def _subject_rows(q: Question, candidates: list[Candidate], norms: list[str], context: AnswerContext) -> np.ndarray:
    """SUBJECT_FEATURES for every candidate (columns in that order)."""
    asked = _bare(WH_WORDS.sub(" ", q.norm))
    by_title: dict[str, tuple[WeightedTerms, str, set[str], float]] = {}
    raw = []
    for c, norm in zip(candidates, norms):
        title = normal_form(context.titles.get(c.passage.source, ""))
        if title not in by_title:
            rest = q.terms.without(title) if len(title) >= 2 else q.terms
            remaining = asked.replace(_bare(title), "") if len(title) >= 2 else asked
            share = 1.0 - sum(rest.weights.values()) / q.terms.total
            by_title[title] = (rest, remaining, bigrams(remaining), share)
        rest, remaining, rest_bigrams, share = by_title[title]
        before, after = c.before(context), c.after(context)
        bare = _bare(norm)
        raw.append([
            share, rest.coverage(norm, partial=False) if rest.weights else 1.0,
            rest.coverage(norm) if rest.weights else 1.0,
            len(rest_bigrams & bigrams(norm)) / (len(rest_bigrams) or 1),
            rest.coverage(normal_form(before)) if before and rest.weights else 0.0,
            rest.coverage(normal_form(after)) if after and rest.weights else 0.0,
            LCSseq.similarity(remaining, bare) / (len(remaining) or 1),
            fuzz.partial_ratio(remaining, bare) / 100.0,
        ])
    rows = np.asarray(raw, dtype=np.float32)
    gaps = rows[:, [1, 2, 3, 6]] - rows[:, [1, 2, 3, 6]].max(axis=0)
    doc_of = [c.passage.source for c in candidates]
    in_doc = {d: [i for i, other in enumerate(doc_of) if other == d] for d in set(doc_of)}
    best_rank = {d: min(candidates[i].rank for i in rows_of) for d, rows_of in in_doc.items()}
    per_doc = np.zeros((len(candidates), 4), dtype=np.float32)
    for i, d in enumerate(doc_of):
        mates = rows[in_doc[d], 2]
        per_doc[i] = (rows[i, 2] - mates.max(), float((mates > rows[i, 2]).sum()), mates.max(),
                      1.0 / (best_rank[d] + 1))
    return np.hstack([rows, gaps, per_doc])


def feature_matrix(q: Question, candidates: list[Candidate], context: AnswerContext) -> np.ndarray:
    """One row per (focused) candidate, columns in `FEATURES` order; gap features compare it with the best one."""
    if not candidates:
        return np.zeros((0, len(FEATURES)), dtype=np.float32)
    norms = [normal_form(c.text) for c in candidates]
    cov = [q.terms.coverage(n, partial=False) for n in norms]
    cov_partial = [q.terms.coverage(n) for n in norms]
    bigram = [len(q.bigrams & bigrams(n)) / (len(q.bigrams) or 1) for n in norms]
    dense = (np.stack([c.vector for c in candidates]) @ q.vector).tolist()
    rows = []
    for i, c in enumerate(candidates):
        row = _row(q, c, context)
        row.update(coverage=cov[i], coverage_partial=cov_partial[i], bigram=bigram[i], dense=dense[i],
                   dense_gap=dense[i] - max(dense), coverage_gap=cov_partial[i] - max(cov_partial),
                   bigram_gap=bigram[i] - max(bigram))
        rows.append([row[name] for name in SENTENCE_FEATURES + FOCUS_FEATURES])
    return np.hstack([np.asarray(rows, dtype=np.float32), _subject_rows(q, candidates, norms, context)])
