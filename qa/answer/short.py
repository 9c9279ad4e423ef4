"""The short answer: the phrase of the chosen sentence that fills the question's gap ("2016年3月", "陈天石").

Candidate phrases are verbatim substrings of the sentence: runs of 1…`MAX_WORDS` jieba words inside one clause
(an enumeration "、" or a bracketed title may sit inside), and — only for untyped questions ("…是什么？") — runs of
whole clauses: a third of CMRC gold answers are a clause, but a number, date or name question is answered by a
number, date or name, never by a clause that merely holds one. A learned model (`models/short.json`, trained on
CMRC 2018 trial gold spans) scores them with features that carry across texts:

- alignment: whether the words just before/after the phrase occur in the question (in "X成立于哪一年", the
  sentence's "成立于" sits right before the answer), and how many characters of the question's text before/after
  its question word the sentence repeats right before/after the phrase;
- overlap: answers rarely repeat the question's own words;
- type: a number/time/person/place/organisation phrase for a question that asks for one (jieba POS);
- shape: length, clause edges, function words at its ends.
"""

from __future__ import annotations

import math

import numpy as np
from rapidfuzz.distance import LCSseq

from qa.answer.align import Gap, find_gap
from qa.answer.candidates import Candidate
from qa.answer.context import AnswerContext
from qa.answer.features import Question
from qa.answer.model import Model, bundled_model
from qa.answer.answer_types import REQUIRED, TYPED, holds
from qa.answer.question import WH_WORDS
from qa.segment.tokenizer import Segmenter
from qa.text import CLAUSE_BREAK, CLOSE_BRACKETS, OPEN_BRACKETS, SENTENCE_END, normal_form

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
    "gap_first_clause", "terms_inside", "clauses_spanned",
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


def short_features(q: Question, tagged: list[tuple[str, str]], candidates: list[Phrase]) -> np.ndarray:
    """One row per phrase, columns in SHORT_FEATURES order."""
    words = [w for w, _ in tagged]
    matched = [i for i, w in enumerate(words) if len(w.strip()) > 1 and _in_question(w, q)]
    kind = q.qtype.kind
    left, right = _gap(q)
    sentence = "".join(words)
    gap = find_gap(q.norm, sentence)
    rows = []
    for p in candidates:
        before1 = words[p.i - 1] if p.i > 0 else ""
        before2 = words[p.i - 2] if p.i > 1 else ""
        after1 = words[p.j] if p.j < len(words) else ""
        after2 = words[p.j + 1] if p.j + 1 < len(words) else ""
        tags = [f for _, f in tagged[p.i:p.j]]
        norm = normal_form(p.text)
        chars = [ch for ch in norm if ch.isalnum()]
        held = holds(p.text, tagged[p.i:p.j])
        start_edge = p.i == 0 or before1 in _BREAK
        end_edge = p.j == len(words) or after1 in _BREAK
        outside = [i for i in matched if i < p.i or i >= p.j]
        distance = min((p.i - i if i < p.i else i - p.j + 1 for i in outside), default=len(words))
        rows.append([
            _in_question(before1, q), _in_question(before2, q), _in_question(after1, q), _in_question(after2, q),
            sum(ch in q.norm for ch in chars) / (len(chars) or 1), float(norm in q.norm),
            math.log1p(len(norm)), float(p.j - p.i), float(start_edge), float(end_edge),
            float(start_edge and end_edge), float(tags[0] in _FUNCTION_TAGS), float(tags[-1] in _FUNCTION_TAGS),
            float(held.number), float(held.time), float(held.person), float(held.place), float(held.org),
            *held.matches(kind),
            float(tags[-1].startswith("n") or tags[-1] in ("m", "q", "eng", "t")),
            float(any(f.startswith("v") for f in tags)), math.log1p(distance),
            math.log1p(_common_suffix(normal_form(sentence[:p.start]).rstrip(_TRIM), left)),
            math.log1p(_common_prefix(normal_form(sentence[p.end:]).lstrip(_TRIM), right)),
            float(p.j - p.i > MAX_WORDS),
            _fuzzy(left, normal_form(sentence[max(0, p.start - len(left) - 2):p.start])),
            _fuzzy(right, normal_form(sentence[p.end:p.end + len(right) + 2])),
            math.log1p(len(left)), math.log1p(len(right)),
            _in_question(words[p.i], q), _in_question(words[p.j - 1], q),
            p.start / (len(sentence) or 1),
            _tag_class(tagged[p.i - 1][1] if p.i > 0 else ""), _tag_class(tagged[p.j][1] if p.j < len(words) else ""),
            _tag_class(tags[0]), _tag_class(tags[-1]),
            *_gap_row(gap, sentence, p),
            q.terms.coverage(norm, partial=False), float(sum(1 for w in words[p.i:p.j] if w in _BREAK)),
        ])
    return np.asarray(rows, dtype=np.float32).reshape(len(candidates), len(SHORT_FEATURES))


def answer_phrases(q: Question, sentence: str, segmenter: Segmenter) -> tuple[list[tuple[str, str]], list[Phrase]]:
    """The sentence's tagged words and the phrases that may be its short answer. A typed question (number, date,
    person, place, organisation) gets only phrases inside one clause, and for a quantity or time question only
    those holding one — checked in the sentence, so "2019" before "年" is a year, not a quantity (answer-type
    filtering). Training and answering use the same list."""
    tagged = segmenter.tagged(sentence)
    found = [p for p in phrases(tagged) if balanced(p.text)]
    if q.qtype.kind in TYPED:
        found = [p for p in found if p.j - p.i <= MAX_WORDS and not any(ch in CLAUSE_BREAK for ch in p.text)]
    wanted = REQUIRED.get(q.qtype.kind)
    if wanted is not None:
        found = [p for p in found
                 if any(m.end() <= p.end for m in wanted.finditer(sentence, p.start, min(len(sentence), p.end + 2)))]
    return tagged, found


def short_phrase(q: Question, candidate: Candidate, context: AnswerContext, model: Model | None = None) -> str | None:
    """The phrase of the chosen sentence that answers the question, or None when the question's answer is not a
    phrase (why/how: reasons and steps) or the sentence offers none (`model`: the bundled one, or one in
    training)."""
    if not q.qtype.phrased:
        return None
    tagged, found = answer_phrases(q, candidate.text, context.segmenter)
    if not found:
        return None
    model = model or bundled_model("short", SHORT_FEATURES)
    p = model.probabilities(short_features(q, tagged, found))
    best = int(np.argmax(p))
    return found[best].text.strip() if p[best] >= model.thresholds.get("show", 0.0) else None
