"""Pure metric functions for `qa eval`; no I/O, no assistant — each one is tested on hand-made cases.

Answer-key semantics (../shared/NOTES.md): both sides in `key_form` (NFKC, lowercase, no whitespace, the script
kept — the answer layer matches scripts, the scoring does not);
an answer is correct when every key string occurs in it; a passage holds the evidence when it contains every
evidence string; an unanswerable question is handled correctly when it is refused (`answered` false).
"""

from __future__ import annotations

import math
import re
from typing import Iterable, Sequence

from qa.text import char_f1, f1_chars, key_form

#: The citation markers `[1]`, `[2]` … the assistant puts into answers; they are not part of the answer text.
_MARKER = re.compile(r"\[(\d+)\]")


def strip_markers(answer: str) -> str:
    return _MARKER.sub("", answer)


def marked_numbers(answer: str) -> list[int]:
    """Citation numbers used in the answer, in first-use order."""
    seen: list[int] = []
    for m in _MARKER.finditer(answer):
        n = int(m.group(1))
        if n not in seen:
            seen.append(n)
    return seen


def contains_all(text: str, keys: Iterable[str]) -> bool:
    """Every key occurs in `text` after normalising both (an empty key list is trivially contained)."""
    normal = key_form(text)
    return all(key_form(k) in normal for k in keys)


def contains_any(text: str, alternatives: Sequence[str]) -> bool:
    """Some alternative occurs in `text` (normalised); no alternatives means no constraint."""
    normal = key_form(text)
    return not alternatives or any(key_form(a) in normal for a in alternatives)


def holds(text: str, keys: Sequence[str], alternatives: Sequence[str] = ()) -> bool:
    """Every key and at least one alternative (when there are any) occur in `text`."""
    return contains_all(text, keys) and contains_any(text, alternatives)


def answer_correct(answer: str, keys: Sequence[str], alternatives: Sequence[str] = ()) -> bool:
    """All key strings (and one of the alternatives) are present in the answer (citation markers removed first)."""
    return holds(strip_markers(answer), keys, alternatives)


def evidence_rank(passages: Sequence[str], evidence: Sequence[str], alternatives: Sequence[str] = ()) -> int | None:
    """1-based rank of the first passage holding every evidence string (and one alternative); None when none does."""
    for rank, text in enumerate(passages, start=1):
        if holds(text, evidence, alternatives):
            return rank
    return None


def exact_match(prediction: str | None, references: Sequence[str]) -> float | None:
    """1.0 when the prediction equals a reference once both are reduced to the characters char-F1 compares
    (no punctuation or spaces, as the CMRC 2018 scorer does); None without references."""
    if not references:
        return None
    return float(prediction is not None and any(f1_chars(prediction) == f1_chars(r) for r in references))


def hit_at(rank: int | None, k: int) -> bool:
    return rank is not None and rank <= k


def reciprocal_rank(rank: int | None) -> float:
    return 0.0 if rank is None else 1.0 / rank


def best_char_f1(prediction: str, references: Sequence[str]) -> float | None:
    """Best F1 over the reference alternatives (markers stripped from the prediction); None without references."""
    if not references:
        return None
    return max(char_f1(strip_markers(prediction), r) for r in references)


def refusal_precision_recall(refused: Sequence[bool], unanswerable: Sequence[bool]) -> tuple[float | None, float | None]:
    """Precision = refused∧unanswerable / refused; recall = refused∧unanswerable / unanswerable (None if 0/0)."""
    both = sum(1 for r, u in zip(refused, unanswerable, strict=True) if r and u)
    n_refused, n_unanswerable = sum(map(bool, refused)), sum(map(bool, unanswerable))
    return (both / n_refused if n_refused else None, both / n_unanswerable if n_unanswerable else None)


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0…100) with linear interpolation between order statistics (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def mean(values: Iterable[float | bool]) -> float | None:
    items = [float(v) for v in values]
    return sum(items) / len(items) if items else None
