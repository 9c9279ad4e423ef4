"""The short answer: the phrase of the chosen sentence that fills the question's gap ("2016年3月", "陈天石").

Candidate phrases are verbatim substrings of the sentence: runs of 1…`MAX_WORDS` jieba words inside one clause
(an enumeration "、" or a bracketed title may sit inside), and — only for untyped questions ("…是什么？") — runs of
whole clauses: a third of CMRC gold answers are a clause, but a number, date or name question is answered by a
number, date or name, never by a clause that merely holds one. Learned trees (`models/short.json`, trained on
CMRC 2018 trial gold spans) rank one sentence's phrases (LambdaRank, a phrase's relevance graded by its overlap
with the gold answer) with features that carry across texts:

- alignment: whether the words just before/after the phrase occur in the question (in "X成立于哪一年", the
  sentence's "成立于" sits right before the answer), and how many characters of the question's text before/after
  its question word the sentence repeats right before/after the phrase;
- overlap: answers rarely repeat the question's own words — except the asked kind (区 of "哪个区", 海淀区);
- type: a number/time/person/place/organisation phrase for a question that asks for one (jieba POS);
- shape: length, clause edges, function words at its ends.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz.distance import LCSseq

from qa.answer.align import Gap, align
from qa.answer.candidates import Candidate
from qa.answer.context import AnswerContext
from qa.answer.features import Question, contains_term
from qa.answer.model import Model, bundled_model
from qa.answer.answer_types import QUANTITY, TIME, TYPED, holds
from qa.understand.constraints import SCOPE
from qa.understand.kind import WH_WORDS, Kind
from qa.segment.script import written_traditional
from qa.segment.tokenizer import Segmenter
from qa.text import CLAUSE_BREAK, CLOSE_BRACKETS, OPEN_BRACKETS, SENTENCE_END, fold, normal_form

MAX_WORDS = 8
MAX_CHARS = 30
_BREAK = set(CLAUSE_BREAK + SENTENCE_END)
_TRIM = CLAUSE_BREAK + SENTENCE_END + " "
_FUNCTION_TAGS = ("u", "p", "c", "d", "y", "e", "uj", "ul", "uz", "ug", "ud", "uv", "r", "x")

SHORT_FEATURES: tuple[str, ...] = (
    "before1_in_question", "before2_in_question", "after1_in_question", "after2_in_question",
    "question_overlap", "whole_in_question", "log_chars", "words", "clause_start", "clause_end", "whole_clause",
    "function_start", "function_end", "has_number", "has_time", "has_person", "has_place", "has_org",
    "number_match", "time_match", "person_match", "place_match", "org_match", "noun_end", "verb_inside",
    "distance_to_match", "left_aligned", "right_aligned", "clause_run",
    "left_fuzzy", "right_fuzzy", "left_size", "right_size", "first_in_question", "last_in_question",
    "relative_start", "before_tag", "after_tag", "first_tag", "last_tag",
    "gap_found", "gap_both", "in_gap", "gap_filled", "gap_log_chars", "gap_start_distance", "gap_end_distance",
    "gap_first_clause", "terms_inside", "clauses_spanned", "ends_as_asked",
)
#: Coarse jieba POS classes as numbers for the trees ("" = the sentence edge); unknown tags are 0.
_TAG_CLASS = {"n": 1, "v": 2, "p": 3, "u": 4, "m": 5, "q": 5, "x": 6, "c": 7, "d": 8, "t": 9, "a": 10, "r": 11,
              "f": 12, "": 13}
_OPENING = dict(zip(CLOSE_BRACKETS, OPEN_BRACKETS))


class Phrase:
    """A run of words [i, j) of the tagged sentence, with its character offsets."""

    __slots__ = ("i", "j", "start", "end", "text")

    def __init__(self, i: int, j: int, start: int, end: int, text: str) -> None:
        self.i, self.j, self.start, self.end, self.text = i, j, start, end, text


def _clause_runs(tagged: list[tuple[str, str]], offsets: list[int]) -> list[Phrase]:
    """Runs of whole clauses (word ranges between breaks), without the closing punctuation."""
    bounds = [0] + [i + 1 for i, (w, _) in enumerate(tagged) if w in _BREAK]
    if bounds[-1] != len(tagged):
        bounds.append(len(tagged))
    runs = []
    for a in range(len(bounds) - 1):
        for b in range(a + 1, len(bounds)):
            i, j = bounds[a], bounds[b]
            while j > i and tagged[j - 1][0] in _BREAK:
                j -= 1
            text = "".join(w for w, _ in tagged[i:j]).strip(_TRIM)
            if text and j - i > MAX_WORDS:
                runs.append(Phrase(i, j, offsets[i], offsets[j], "".join(w for w, _ in tagged[i:j])))
    return runs


def phrases(tagged: list[tuple[str, str]]) -> list[Phrase]:
    """Runs of up to MAX_WORDS words (MAX_CHARS characters) inside one clause, then longer runs of whole clauses."""
    offsets = [0]
    for word, _ in tagged:
        offsets.append(offsets[-1] + len(word))
    found = []
    for i, (word, _) in enumerate(tagged):
        if word.strip() == "" or word in _BREAK:
            continue
        for j in range(i + 1, min(i + MAX_WORDS, len(tagged)) + 1):
            last = tagged[j - 1][0]
            if last in _BREAK or (j - 1 > i and last.strip() == ""):
                break
            text = "".join(w for w, _ in tagged[i:j])
            if len(text) > MAX_CHARS:
                break
            found.append(Phrase(i, j, offsets[i], offsets[j], text))
    return found + _clause_runs(tagged, offsets)


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


#: Characters that follow a question word without naming the kind of thing asked ("哪个是…", "什么的").
_NOT_A_KIND = set("的是了在有和与及或呢吗啊呀？?，,。")


def _asked_kind(right: str) -> set[str]:
    """The characters that name the kind of thing asked, right after the question word: 区 in "哪个区…", 年 in
    "哪一年", 色 in "什么颜色" — an answer usually ends with one of them (海淀区, 2016年, 银灰色)."""
    head = "".join(ch for ch in right[:2] if ch not in _NOT_A_KIND)
    return set(head[:2])


#: "哪个区…" is answered by a district: when some phrase ends as the question's asked kind (区, 年, 色), phrases
#: that do not are scored this much lower (北京市 loses to 海淀区). Measured with scripts/calibrate_short.py.
_OFF_KIND = 0.25
#: Administrative units. A phrase ending in another unit than the one asked is no answer at all ("哪个区" is never
#: answered by 北京市, "哪个国家" never by 里斯本市), while a name without a unit may be (哪个国家 → 葡萄牙).
_UNITS = frozenset("区市省县州国镇乡村")


def _kind_factors(q: Question, texts: list[str]) -> np.ndarray:
    """Per phrase, the factor its score is multiplied by: 1 when it ends as the asked kind or no phrase does,
    0 when it ends in another administrative unit than the asked one, else `_OFF_KIND`."""
    kinds = _asked_kind(_gap(q)[1]) if WH_WORDS.search(q.norm) else set()
    last = [t.strip()[-1] if t.strip() else "" for t in texts]
    ends = np.array([ch in kinds for ch in last], dtype=bool)
    if not ends.any():
        return np.ones(len(texts))
    other_unit = np.array([bool(kinds & _UNITS) and ch in _UNITS and ch not in kinds for ch in last], dtype=bool)
    return np.where(ends, 1.0, np.where(other_unit, 0.0, _OFF_KIND))


def _gap(q: Question) -> tuple[str, str]:
    """The question's text before and after its question word (normal form, no punctuation)."""
    m = WH_WORDS.search(q.norm)
    if m is None:
        return q.norm.strip(_TRIM + "？?"), ""
    return q.norm[:m.start()].strip(_TRIM + "？?"), q.norm[m.end():].strip(_TRIM + "？?")


def _in_question(word: str, q: Question) -> float:
    norm = normal_form(word)
    return float(bool(norm) and any(ch.isalnum() for ch in norm) and norm in q.norm)


def _tag_class(tag: str) -> float:
    return float(_TAG_CLASS.get(tag[:1] if tag else "", 0))


def _fuzzy(part: str, window: str) -> float:
    """Share of the question's part found, in order, in the sentence window next to the phrase."""
    return LCSseq.similarity(part, window) / len(part) if part else 0.0


def _gap_row(gap: Gap | None, sentence: str, p: Phrase) -> tuple[float, ...]:
    """gap_found, gap_both, in_gap (share of the phrase inside the gap), gap_filled (share of the gap the phrase
    covers), gap_log_chars, characters from the gap's start / end to the phrase's (punctuation skipped), and
    whether the phrase lies in the gap's first clause (an open-ended gap runs to the sentence end)."""
    if gap is None:
        return 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    start = gap.start
    while start < gap.end and sentence[start] in _TRIM:
        start += 1
    end = gap.end
    while end > start and sentence[end - 1] in _TRIM:
        end -= 1
    inside = max(0, min(p.end, end) - max(p.start, start))
    first_break = next((i for i in range(start, end) if sentence[i] in _BREAK), end)
    return (1.0, float(gap.left_anchor and gap.right_anchor), inside / (p.end - p.start or 1),
            inside / max(1, end - start), math.log1p(end - start), math.log1p(abs(p.start - start)),
            math.log1p(abs(p.end - end)), float(p.start >= start and p.end <= first_break))


def balanced(text: str) -> bool:
    """Every bracket or quote the phrase closes it also opens, and the reverse ("）是新加坡的唐人街" is no answer)."""
    stack: list[str] = []
    for ch in text:
        if ch in OPEN_BRACKETS:
            stack.append(ch)
        elif ch in _OPENING:
            if not stack or stack.pop() != _OPENING[ch]:
                return False
    return not stack


#: The columns that depend on the sentence alone, computed once per sentence (`_analysed`) whatever the question.
_STATIC = ("log_chars", "words", "clause_start", "clause_end", "whole_clause", "function_start", "function_end",
           "has_number", "has_time", "has_person", "has_place", "has_org", "noun_end", "verb_inside", "clause_run",
           "relative_start", "before_tag", "after_tag", "first_tag", "last_tag", "clauses_spanned")
_HELD = ("has_number", "has_time", "has_person", "has_place", "has_org")
_KIND_COLUMN = {Kind.QUANTITY: 0, Kind.TIME: 1, Kind.PERSON: 2, Kind.PLACE: 3, Kind.ORG: 4}


@dataclass(frozen=True)
class SentencePhrases:
    """A sentence's words, its candidate phrases and their question-independent features (cached per sentence:
    the same sentences come back for many questions)."""

    sentence: str
    tagged: tuple[tuple[str, str], ...]
    phrases: tuple[Phrase, ...]
    static: np.ndarray
    #: phrase lies inside one clause and is at most MAX_WORDS words (what typed questions may get)
    in_clause: np.ndarray
    #: phrase holds a quantity / a time within it (ending at most 2 characters after it)
    quantity: np.ndarray
    time: np.ndarray
    #: the sentence folded one character at a time (same length, so phrase offsets index it)
    folded: str


def _holds_wanted(pattern: re.Pattern[str], sentence: str, p: Phrase) -> bool:
    return any(m.end() <= p.end for m in pattern.finditer(sentence, p.start, min(len(sentence), p.end + 2)))


@lru_cache(maxsize=16384)
def _analysed(segmenter: Segmenter, sentence: str) -> SentencePhrases:
    tagged = tuple(segmenter.tagged(sentence))
    words = [w for w, _ in tagged]
    found = tuple(p for p in phrases(list(tagged)) if balanced(p.text))
    rows = []
    for p in found:
        tags = [f for _, f in tagged[p.i:p.j]]
        held = holds(p.text, list(tagged[p.i:p.j]))
        start_edge = p.i == 0 or words[p.i - 1] in _BREAK
        end_edge = p.j == len(words) or words[p.j] in _BREAK
        rows.append([
            math.log1p(len(normal_form(p.text))), float(p.j - p.i), float(start_edge), float(end_edge),
            float(start_edge and end_edge), float(tags[0] in _FUNCTION_TAGS), float(tags[-1] in _FUNCTION_TAGS),
            float(held.number), float(held.time), float(held.person), float(held.place), float(held.org),
            float(tags[-1].startswith("n") or tags[-1] in ("m", "q", "eng", "t")),
            float(any(f.startswith("v") for f in tags)), float(p.j - p.i > MAX_WORDS),
            p.start / (len(sentence) or 1),
            _tag_class(tagged[p.i - 1][1] if p.i > 0 else ""), _tag_class(tagged[p.j][1] if p.j < len(words) else ""),
            _tag_class(tags[0]), _tag_class(tags[-1]), float(sum(1 for w in words[p.i:p.j] if w in _BREAK)),
        ])
    return SentencePhrases(
        sentence, tagged, found, np.asarray(rows, dtype=np.float32).reshape(len(found), len(_STATIC)),
        np.array([p.j - p.i <= MAX_WORDS and not any(ch in CLAUSE_BREAK for ch in p.text) for p in found], dtype=bool),
        np.array([_holds_wanted(QUANTITY, sentence, p) for p in found], dtype=bool),
        np.array([_holds_wanted(TIME, sentence, p) for p in found], dtype=bool),
        "".join(f if len(f := fold(ch)) == 1 else ch for ch in sentence))


def _nearest_matches(matched: list[bool]) -> tuple[list[int], list[int]]:
    """For every word position k: the last matched word before k (-inf as a large negative) and the first matched
    word at or after k (a large positive when none), so a phrase's distance to the nearest matched word outside it
    is found in constant time."""
    far = 1 << 20
    before, last = [], -far
    for k, hit in enumerate(matched):
        before.append(last)
        if hit:
            last = k
    before.append(last)
    after, first = [far] * (len(matched) + 1), far
    for k in range(len(matched) - 1, -1, -1):
        if matched[k]:
            first = k
        after[k] = first
    return before, after


def _prefix_sums(flags: list[bool]) -> list[int]:
    sums = [0]
    for flag in flags:
        sums.append(sums[-1] + flag)
    return sums


def _term_spans(q: Question, folded: str, kinds: set[str]) -> list[tuple[int, int, float]]:
    """(start, end, weight) of every occurrence of a question term (or one of its forms) in the folded sentence:
    the term weight a phrase holds is that of the occurrences inside it. A term that only names the asked kind
    (区 of "哪个区", in `kinds`) is left out: the answer holds it by being of that kind."""
    spans = []
    for term, weight in q.terms.weights.items():
        if set(term) <= kinds:
            continue
        for form in (term, *q.terms.forms[term]):
            at = folded.find(form)
            while at >= 0:
                if contains_term(folded[max(0, at - 1):at + len(form) + 1], form):
                    spans.append((at, at + len(form), weight))
                at = folded.find(form, at + 1)
    return spans


def short_features(q: Question, analysed: SentencePhrases, chosen: list[int]) -> np.ndarray:
    """One row per chosen phrase (indices into `analysed.phrases`), columns in SHORT_FEATURES order. What depends
    on the question is computed once per sentence — matched words, characters the question has, where its terms
    occur — and looked up per phrase."""
    words = [w for w, _ in analysed.tagged]
    in_question = [_in_question(w, q) for w in words] + [0.0, 0.0]  # two past the end: ""
    before_match, after_match = _nearest_matches([len(w.strip()) > 1 and bool(in_question[i])
                                                  for i, w in enumerate(words)])
    left, right = _gap(q)
    sentence, folded = analysed.sentence, analysed.folded
    gap = align(q.norm, sentence).gap
    kind_column = _KIND_COLUMN.get(q.qtype.kind)
    kinds = _asked_kind(right)
    # the asked kind (区 of "哪个区") is expected in the answer (海淀区): it is no repeat of the question's words
    question_chars = set(q.norm) - kinds
    alnum = _prefix_sums([ch.isalnum() for ch in folded])
    asked = _prefix_sums([ch.isalnum() and ch in question_chars for ch in folded])
    term_spans = _term_spans(q, folded, kinds)
    term_total = sum(w for t, w in q.terms.weights.items() if not set(t) <= kinds) or 1.0
    rows = []
    for n in chosen:
        p = analysed.phrases[n]
        matches = [0.0] * 5
        if kind_column is not None:
            matches[kind_column] = float(analysed.static[n, _STATIC.index(_HELD[kind_column])])
        distance = min(p.i - before_match[p.i], after_match[p.j] - p.j + 1, len(words))
        held = sum(w for a, b, w in term_spans if a >= p.start and b <= p.end)
        rows.append([
            in_question[p.i - 1] if p.i > 0 else 0.0, in_question[p.i - 2] if p.i > 1 else 0.0,
            in_question[p.j], in_question[p.j + 1],
            (asked[p.end] - asked[p.start]) / ((alnum[p.end] - alnum[p.start]) or 1),
            float(normal_form(p.text) in q.norm), *matches, math.log1p(distance),
            math.log1p(_common_suffix(folded[:p.start].rstrip(_TRIM), left)),
            math.log1p(_common_prefix(folded[p.end:].lstrip(_TRIM), right)),
            _fuzzy(left, folded[max(0, p.start - len(left) - 2):p.start]),
            _fuzzy(right, folded[p.end:p.end + len(right) + 2]),
            math.log1p(len(left)), math.log1p(len(right)), in_question[p.i], in_question[p.j - 1],
            *_gap_row(gap, sentence, p), held / term_total,
            float(bool(p.text.strip()) and p.text.strip()[-1] in kinds),
        ])
    dynamic = np.asarray(rows, dtype=np.float32).reshape(len(chosen), len(_DYNAMIC))
    both = np.hstack([analysed.static[chosen], dynamic])
    return both[:, _COLUMNS]


#: The question-dependent columns, in the order `short_features` computes them.
_DYNAMIC = ("before1_in_question", "before2_in_question", "after1_in_question", "after2_in_question",
            "question_overlap", "whole_in_question", "number_match", "time_match", "person_match", "place_match",
            "org_match", "distance_to_match", "left_aligned", "right_aligned", "left_fuzzy", "right_fuzzy",
            "left_size", "right_size", "first_in_question", "last_in_question", "gap_found", "gap_both", "in_gap",
            "gap_filled", "gap_log_chars", "gap_start_distance", "gap_end_distance", "gap_first_clause",
            "terms_inside", "ends_as_asked")
_COLUMNS = [(_STATIC + _DYNAMIC).index(name) for name in SHORT_FEATURES]


def _places(words: list[tuple[str, str]]) -> set[str]:
    """The places and scopes (全国: a clause may be about the whole country) the words name (jieba POS ns, in
    normal form)."""
    return {normal_form(w) for w, flag in words
            if (flag == "ns" and len(w) > 1) or SCOPE.fullmatch(normal_form(w))}


def _clause_places(tagged: list[tuple[str, str]]) -> tuple[list[int], list[set[str]]]:
    """Per word, the index of its clause; per clause, the places and scopes it names."""
    clause_of: list[int] = []
    named: list[set[str]] = [set()]
    for w, flag in tagged:
        clause_of.append(len(named) - 1)
        named[-1] |= _places([(w, flag)])
        if w in _BREAK:
            named.append(set())
    return clause_of, named


def _asked_places(q: Question, segmenter: Segmenter) -> set[str]:
    return _places(segmenter.question_words(q.norm)) | set(q.constraints.scopes)


def _off_place(named: list[set[str]], first: int, last: int, asked: set[str]) -> bool:
    """Clauses first..last name places, none of them asked."""
    spanned = set().union(*named[first:last + 1])
    return bool(spanned) and not spanned & asked


def _bound_factors(q: Question, analysed: SentencePhrases, chosen: list[int], segmenter: Segmenter) -> np.ndarray:
    """Per phrase, `_OFF_KIND` when its clauses name places the question does not, while another clause of the
    sentence names one it does — "北京有多少家…" is not answered by "全国人工智能企业4084家" beside "北京…达1084家" —
    else 1."""
    ones = np.ones(len(chosen))
    asked = _asked_places(q, segmenter)
    if not asked:
        return ones
    clause_of, named = _clause_places(analysed.tagged)
    if not any(places & asked for places in named):
        return ones
    factors = ones.copy()
    for k, n in enumerate(chosen):
        p = analysed.phrases[n]
        if _off_place(named, clause_of[p.i], clause_of[p.j - 1], asked):
            factors[k] = _OFF_KIND
    return factors


def about_another_place(q: Question, text: str, start: int, end: int, segmenter: Segmenter) -> bool:
    """Whether text[start:end] (the reader's span) lies in clauses that name places the question does not, while
    another clause of the text names one it does — as for the trees' phrases (`_bound_factors`)."""
    asked = _asked_places(q, segmenter)
    if not asked:
        return False
    tagged = segmenter.tagged(text)
    clause_of, named = _clause_places(tagged)
    if not any(places & asked for places in named):
        return False
    ends = np.cumsum([len(w) for w, _ in tagged])
    inside = [n for n, stop in enumerate(ends) if stop > start and stop - len(tagged[n][0]) < end]
    return bool(inside) and _off_place(named, clause_of[inside[0]], clause_of[inside[-1]], asked)


def answer_phrases(q: Question, sentence: str, segmenter: Segmenter) -> tuple[SentencePhrases, list[int]]:
    """The sentence's analysis and the indices of the phrases that may be its short answer. A typed question
    (number, date, person, place, organisation) gets only phrases inside one clause, and for a quantity or time
    question only those holding one — checked in the sentence, so "2019" before "年" is a year, not a quantity
    (answer-type filtering). Training and answering use the same list."""
    analysed = _analysed(segmenter, sentence)
    keep = np.ones(len(analysed.phrases), dtype=bool)
    if q.qtype.kind in TYPED:
        keep &= analysed.in_clause
    if q.qtype.kind is Kind.QUANTITY:
        keep &= analysed.quantity
    elif q.qtype.kind is Kind.TIME:
        keep &= analysed.time
    return analysed, np.flatnonzero(keep).tolist()


@dataclass(frozen=True)
class Scored:
    """The best phrase: its share of the sentence's belief and its lead over the second best (after the kind
    factors), and the trees' own score and lead. The trees rank one sentence's phrases (LambdaRank), so the share
    compares the phrase with its rivals, while the score carries how sure the trees are across sentences."""

    text: str
    probability: float
    margin: float
    score: float
    score_margin: float


def scored_phrase(q: Question, candidate: Candidate, context: AnswerContext, model: Model | None = None) -> Scored | None:
    """The phrase of the chosen sentence that best answers the question with its score, or None when the
    question's answer is not a phrase (why/how: reasons and steps) or the sentence offers none (`model`: the
    bundled one for the sentence's script, or one in training). A Traditional sentence gets the trees learned
    from DRCD's Traditional questions (`short_traditional.json`): one set of trees for both scripts cost CMRC
    what it gave DRCD (README). The trees' scores are weighed by the asked kind (`_kind_factors`) and by whether
    the phrase's clause is about the asked place (`_bound_factors`)."""
    if not q.qtype.phrased:
        return None
    analysed, chosen = answer_phrases(q, candidate.text, context.segmenter)
    if not chosen:
        return None
    model = model or bundled_model("short_traditional" if written_traditional(candidate.text) else "short",
                                   SHORT_FEATURES)
    raw = model.raw_scores(short_features(q, analysed, chosen))
    p = np.exp(raw - raw.max()) * _kind_factors(q, [analysed.phrases[n].text for n in chosen]) \
        * _bound_factors(q, analysed, chosen, context.segmenter)
    p = p / p.sum()
    best = int(np.argmax(p))
    others = np.delete(np.arange(len(p)), best)
    margin = float(p[best] - p[others].max()) if len(others) else float(p[best])
    score_margin = float(raw[best] - raw[others].max()) if len(others) else 0.0
    return Scored(analysed.phrases[chosen[best]].text.strip(), float(p[best]), margin, float(raw[best]),
                  score_margin)


def short_phrase(q: Question, candidate: Candidate, context: AnswerContext, model: Model | None = None) -> str | None:
    """The best phrase's text (`scored_phrase`), whatever its score."""
    scored = scored_phrase(q, candidate, context, model)
    return scored.text if scored is not None else None
