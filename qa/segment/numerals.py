"""Chinese numerals in a question written the way reports print numbers: "一亿" → "1亿", "十四家" → "14家",
"二〇一六年" → "2016年", "百分之二十六点五" → "26.5%", "七成" → "70%".

Reports write figures in Arabic numerals ("1亿元", "14家"); a user types "过一亿", "一千多家". Without this the
question's number matches nothing, so neither search nor the answerability check sees the constraint. Only a
numeral that counts something is converted — one followed by a magnitude (万, 亿) or a measure word — and not an
ordinal ("第一"), a lone "一"/"两" before a measure word ("一家", "两个": an article, not a figure), a rough count
("几十家", "数十个": some tens, not 10), or a numeral inside a word ("统一"). A share in tenths is the percentage a
report writes ("七成的股份" → "70%的股份"; jieba had cut "连一成都不到" into 连一/成都, a city) — not a word beginning
with 成 ("一成立就", "三成员"), nor "八九成" or "几成". The conversion itself is cn2an's (a maintained library for
Chinese numerals).
"""

from __future__ import annotations

import re

import cn2an

_DIGITS = "零〇一二两三四五六七八九十百千"
_MEASURE = "家个位名年月日岁倍种项次人部座件只条张届元"
#: Characters before a numeral that make it no figure: an ordinal's 第, a rough count's 几/数 ("几十家" is no "10家").
_NOT_A_FIGURE_AFTER = "第几幾数數"
_NUMERAL = re.compile(rf"([{_DIGITS}]+)(?=[万亿]|[多余]?[{_MEASURE}])")
_PERCENT = re.compile(rf"百分之([{_DIGITS}]+(?:点[{_DIGITS}]+)?)")
_TENTHS = re.compile(rf"(?<![{_NOT_A_FIGURE_AFTER}{_DIGITS}])([一二两三四五六七八九])成(?![立员本功果为长熟型交品绩效年人分])")
#: What cn2an raises for a numeral it cannot read: ValueError as documented, and KeyError for some malformed ones
#: ("零十二" — measured by fuzzing its input alphabet). Such a numeral is left as typed.
_UNREADABLE = (ValueError, KeyError)


def _converted(match: re.Match[str]) -> str:
    numeral = match.group(1)
    follows = match.string[match.end():match.end() + 1]
    if match.start() and match.string[match.start() - 1] in _NOT_A_FIGURE_AFTER:
        return numeral
    if len(numeral) == 1 and numeral in "一两" and follows not in "万亿":
        return numeral
    try:
        return str(cn2an.cn2an(numeral, "smart"))
    except _UNREADABLE:
        return numeral


def _percent(match: re.Match[str]) -> str:
    try:
        return f"{cn2an.cn2an(match.group(1), 'smart')}%"
    except _UNREADABLE:
        return match.group(0)


def _tenths(match: re.Match[str]) -> str:
    """"七成" → "70%"."""
    return f"{cn2an.cn2an(match.group(1), 'smart') * 10}%"


def arabic_numerals(question: str) -> str:
    """The question with its counting Chinese numerals as Arabic numbers (everything else unchanged)."""
    return _NUMERAL.sub(_converted, _TENTHS.sub(_tenths, _PERCENT.sub(_percent, question)))


def numeral_value(numeral: str) -> int | None:
    """A whole number written in Arabic or Chinese numerals ("3", "十三" → 13): ranks are compared by number,
    since a report may write "第2" where a user types "第二"; None when cn2an cannot read it."""
    if numeral.isdigit():
        return int(numeral)
    try:
        return int(cn2an.cn2an(numeral, "smart"))
    except _UNREADABLE:
        return None
