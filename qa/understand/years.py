"""Years written with two digits ("19年比18年掉了几个点？"): chat shortens 2019年 to 19年, a report writes it whole.

As typed, "19年" is no year constraint, the selector finds no year to match, and a refusal names "19年比18年" as
missing. A two-digit year is read as 20NN年 when the corpus writes 20NN年 and never writes the two digits with the
character the question puts before them (a CMRC article's "天正16年" or "民国29年" keeps its era year: the corpus
writes "正16年"), and not when a duration follows ("19年来", "10年前", "20多年"). The first year of a range says
年 only once ("15到16年那会儿爆发式增长"): it is read whole when the range's last year is.
"""

from __future__ import annotations

import re
from typing import Callable

#: Two digits and 年, not part of a longer number, not an ordinal or a span ("第19年", "近10年", "满20年", "有30年"),
#: not a duration ("来", "前", "后", "间", "多", "内", "以", "左右").
_SHORT_YEAR = re.compile(r"(?<![\d.第近每满历有了过达])(\d{2})年(?![来前后间多内以左])")
#: What joins the two years of a range.
_RANGE_JOIN = r"\s*(?:到|至|-|~|～|—|、|和|或)\s*"
#: The first two-digit year of a range whose 年 comes after its last ("15到16年", "17-18年", "15、16年"), or a two-digit
#: year with its 年: one pass over the question as typed, so every position looked back from is the question's own.
_YEAR_OR_RANGE_START = re.compile(rf"(?<![\d.第近每满历有了过达])(?P<first>\d{{2}})(?={_RANGE_JOIN}\d{{2}}年)"
                                  rf"|{_SHORT_YEAR.pattern}")
#: The first year and the join before a range's last year.
_RANGE_BEFORE = re.compile(rf"(?<!\d)\d{{2}}{_RANGE_JOIN}$")


def full_years(question: str, in_corpus: Callable[[str], bool]) -> str:
    """The question with each two-digit year the corpus writes whole read as 20NN年 (see the module docstring)."""

    def era_year(digits: str, at: int) -> bool:
        """The corpus writes the digits as a year of another era, after the character the question puts before
        them, or before their range ("天正16年"; "民国28到29年": the range's first year is read as its last is)."""
        if (opened := _RANGE_BEFORE.search(question, 0, at)) is not None:
            at = opened.start()
        return at > 0 and in_corpus(f"{question[at - 1]}{digits}年")

    def whole(digits: str, at: int) -> bool:
        """The two digits at `at` are a year the corpus writes whole."""
        return in_corpus(f"20{digits}年") and not era_year(digits, at)

    def read(match: re.Match[str]) -> str:
        """A year read whole, or a range's first year read as its last is; else the digits as typed."""
        if (first := match["first"]) is None:
            return f"20{match.group(2)}年" if whole(match.group(2), match.start()) else match.group(0)
        last = _SHORT_YEAR.match(question, question.index("年", match.end()) - 2)
        reads_whole = last is not None and whole(last.group(1), last.start())
        return f"20{first}" if reads_whole else first

    return _YEAR_OR_RANGE_START.sub(read, question)
