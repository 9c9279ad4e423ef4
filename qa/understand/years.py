"""Years written with two digits ("19年比18年掉了几个点？"): chat shortens 2019年 to 19年, a report writes it whole.

As typed, "19年" is no year constraint, the selector finds no year to match, and a refusal names "19年比18年" as
missing. A two-digit year is read as 20NN年 when the corpus writes 20NN年 and never writes the two digits with the
character the question puts before them (a CMRC article's "天正16年" or "民国29年" keeps its era year: the corpus
writes "正16年"), and not when a duration follows ("19年来", "10年前", "20多年").
"""

from __future__ import annotations

import re
from typing import Callable

#: Two digits and 年, not part of a longer number, not an ordinal or a span ("第19年", "近10年", "满20年", "有30年"),
#: not a duration ("来", "前", "后", "间", "多", "内", "以", "左右").
_SHORT_YEAR = re.compile(r"(?<![\d.第近每满历有了过达])(\d{2})年(?![来前后间多内以左])")


def full_years(question: str, in_corpus: Callable[[str], bool]) -> str:
    """The question with each two-digit year the corpus writes whole read as 20NN年 (see the module docstring)."""

    def whole(match: re.Match[str]) -> str:
        digits, at = match.group(1), match.start()
        before = question[at - 1:at]
        if in_corpus(f"20{digits}年") and not (before and in_corpus(f"{before}{digits}年")):
            return f"20{digits}年"
        return match.group(0)

    return _SHORT_YEAR.sub(whole, question)
