"""Elliptic follow-up questions in a chat: "那朝阳区呢？" after "海淀区的人工智能企业占比多少？".

A short question of the form "那X呢 / X呢 / 那X的呢 / 还有X呢 / X怎么样" is rewritten into the previous
question with X put in place of the previous question's term of the same kind:
  numbers ↔ numbers ("那2017年呢"), names ↔ names (jieba POS: places, organisations, Latin words; a shared
  last character such as 区/市 picks among several), other terms ↔ the modifier of the previous question's
  leading noun phrase (its head noun stays: "计算机视觉企业有多少家" + "那语音识别呢" → "语音识别企业有多少家").
Anything else is returned unchanged: a complete question never depends on the chat before it.
"""

from __future__ import annotations

import re

from qa.segment.tokenizer import Segmenter
from qa.text import fold, nfkc

_ELLIPTIC = re.compile(
    r"^(?:那么|那|还有|再看看?|换成|如果是|要是)?\s*(?P<x>.+?)\s*(?:的)?\s*(?:呢|怎么样|如何|又如何|情况呢|的情况呢)$"
)
_TRAILING = "？?。.!！~～… \t"
#: Words that make "X呢" a question of its own ("北京有多少家呢" is complete).
_QUESTION_WORDS = ("多少", "几", "哪", "什么", "谁", "怎么", "如何", "为什么", "是否", "吗", "么")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
MAX_FOLLOWUP_CHARS = 16


def elliptic_subject(question: str) -> str | None:
    """X of "那X呢？"-style questions, or None for a question that stands on its own."""
    text = nfkc(question).strip().rstrip(_TRAILING).strip()
    if len(text) > MAX_FOLLOWUP_CHARS:
        return None
    m = _ELLIPTIC.match(text)
    if not m:
        return None
    subject = m.group("x").strip(" ，,、")
    if subject.endswith("的"):
        subject = subject[:-1]
    if not subject or any(w in subject for w in _QUESTION_WORDS):
        return None
    return subject


def _find(haystack: str, needle: str, start: int = 0) -> int:
    return fold(haystack).find(needle.lower(), start)


def _replace_at(text: str, start: int, old_len: int, new: str) -> str:
    return text[:start] + new + text[start + old_len:]


def _shares_kind(a: str, b: str) -> bool:
    """Same suffix character (海淀区/朝阳区, 北京市/上海市, 百度公司/腾讯公司) means the same kind of thing."""
    return bool(a) and bool(b) and a[-1] == b[-1]


def _pick(candidates: list[str], subject: str) -> str | None:
    if not candidates:
        return None
    same = [c for c in candidates if _shares_kind(c, subject) and c.lower() != subject.lower()]
    return (same or candidates)[0]


def _noun_phrase_modifier(previous: str, segmenter: Segmenter) -> tuple[int, int] | None:
    """(start, length) of the modifier part of the previous question's first run of adjacent content terms.

    "计算机视觉企业有多少家" → 计算机视觉 (the head noun 企业 stays); a run of one term is replaced whole.
    """
    norm = fold(previous)
    pos = 0
    located: list[tuple[int, int]] = []
    for term in segmenter.content_terms(previous):
        at = norm.find(term, pos)
        if at < 0:
            continue
        located.append((at, len(term)))
        pos = at + len(term)
    if not located:
        return None
    run = [located[0]]
    for at, length in located[1:]:
        if at != run[-1][0] + run[-1][1]:
            break
        run.append((at, length))
    if len(run) > 1:
        run = run[:-1]
    start = run[0][0]
    return start, run[-1][0] + run[-1][1] - start


def rewrite_followup(question: str, previous: str | None, segmenter: Segmenter) -> str:
    """The question to ask: `question` itself, or the previous question with the follow-up's subject in it."""
    if not previous:
        return question
    subject = elliptic_subject(question)
    if subject is None:
        return question
    prev = previous.strip()
    if len(nfkc(prev)) != len(prev):  # positions below are found in the NFKC form
        prev = nfkc(prev)

    number = _NUMBER.search(subject)
    if number and number.group() == subject.rstrip("年月日号届次个家%％"):
        old = _NUMBER.search(nfkc(prev))
        if old:
            return _replace_at(prev, old.start(), len(old.group()), number.group())

    subject_names = segmenter.names(subject)
    if subject_names:
        old_name = _pick([n for n in segmenter.names(prev) if _find(prev, n) >= 0], subject)
        if old_name:
            return _replace_at(prev, _find(prev, old_name), len(old_name), subject)

    terms = [t for t in segmenter.content_terms(prev) if _find(prev, t) >= 0 and len(t) > 1]
    same_kind = [t for t in terms if _shares_kind(t, subject) and t.lower() != subject.lower()]
    if same_kind:
        return _replace_at(prev, _find(prev, same_kind[0]), len(same_kind[0]), subject)
    if subject_names:
        return question  # a name where the previous question had none: nothing of its kind to replace
    span = _noun_phrase_modifier(prev, segmenter)
    if span is None:
        return question
    return _replace_at(prev, span[0], span[1], subject)
